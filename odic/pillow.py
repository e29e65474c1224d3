"""A Pillow plugin for ``.odic`` files, in the manner of pillow-heif and pillow-jxl-plugin.

    import odic.pillow
    from PIL import Image

    odic.pillow.register()
    image = Image.open("photo.odic")                         # reads the header only
    image.save("copy.odic", observer="machine", quality=3)   # or alpha=…, bpp=…, size=…, drop_alpha=True

``Image.open`` parses and checks the header (size, mode; the pixels are decoded on first use, as
Pillow does for every format); ``image.info`` holds the file's α, quality and model id. Saving
takes the arguments of :func:`odic.encode`.
"""

from __future__ import annotations

import io
from typing import IO, Any

from PIL import Image, ImageFile

from odic import api
from odic.codec.bitstream import MAGIC
from odic.errors import OdicError

FORMAT = "ODIC"
EXTENSION = ".odic"
MIME = "image/x-odic"


def _accept(prefix: bytes) -> bool:
    return prefix[: len(MAGIC)] == MAGIC


class OdicImageFile(ImageFile.ImageFile):
    format = FORMAT
    format_description = "odic learned image codec"

    def _open(self) -> None:
        assert self.fp is not None
        self._data: bytes | None = self.fp.read()
        try:
            header = api.info(self._data)
        except OdicError as e:  # Pillow's signal for "not a readable file of this format"
            raise SyntaxError(f"not a valid .odic file: {e}") from None
        self._size = (header.width, header.height)
        self._mode = "L" if header.grayscale else "RGB"
        self.info.update(odic_alpha=header.alpha, odic_quality=header.quality, odic_model=header.model_id.hex())
        self.tile = []

    def load(self) -> Any:
        if self._data is not None:
            pixels = api.decode(self._data).tobytes()  # already in self.mode (L or RGB)
            self._data = None
            if self.fp is not None and self._exclusive_fp:
                self.fp.close()
            self.fp = io.BytesIO(pixels)
            self.tile = [ImageFile._Tile("raw", (0, 0, *self.size), 0, (self.mode, 0, 1))]
        return super().load()


def _save(image: Image.Image, fp: IO[bytes], filename: str | bytes) -> None:
    options = image.encoderinfo
    fp.write(api.encode(image, options.get("alpha"), options.get("quality"), observer=options.get("observer"),
                        bpp=options.get("bpp"), size=options.get("size"),
                        drop_alpha=bool(options.get("drop_alpha", False))))


def register() -> None:
    """Teach Pillow to open and save ``.odic`` files (idempotent)."""
    Image.register_open(FORMAT, OdicImageFile, _accept)
    Image.register_save(FORMAT, _save)
    Image.register_extension(FORMAT, EXTENSION)
    Image.register_mime(FORMAT, MIME)
