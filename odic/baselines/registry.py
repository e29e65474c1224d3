"""One small class per codec, one registry, and a target-bpp search that works for all.

Like Pillow's plugins: each codec says how to write an image at a quality
setting and how to read it back; everything else (searching the setting that
reaches a target bpp, measuring) is shared. All codecs run in-process through
Pillow and its plugins — no external binaries — and sizes are the real
encoded bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, ClassVar

from PIL import Image

from odic.codec.bitstream import bits_per_pixel
from odic.registry import Registry


class BaselineCodec:
    """A classical codec driven by one monotone quality setting."""

    name: ClassVar[str]
    #: Pillow format name used to save.
    pil_format: ClassVar[str]
    suffix: ClassVar[str]
    #: Range of the quality setting; a larger setting must never give fewer bytes.
    low: ClassVar[float]
    high: ClassVar[float]
    integer: ClassVar[bool] = True
    #: Quality settings a sweep uses when it is given no target bpp, one encode per image each:
    #: read off BSDS500 photos (experiments/calibration/codec_ladders.py) to span about 0.1 to
    #: 1.0 bpp on Kodak, which codes at about 0.85× the BSDS rate at the same setting.
    ladder: ClassVar[tuple[float, ...]]
    #: The setting a user would pick without thinking (the one ``odic lab bench`` times): the
    #: common default of a 0–100 quality scale.
    typical: ClassVar[float] = 75
    def options(self, quality: float) -> dict[str, Any]:
        return {"quality": int(quality)}

    def register_plugin(self) -> None:
        """Teach Pillow the format where a plugin package provides it; Pillow's own need nothing."""

    def encode(self, image: Image.Image, quality: float) -> bytes:
        self.register_plugin()
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format=self.pil_format, **self.options(quality))
        return buffer.getvalue()

    def decode(self, data: bytes) -> Image.Image:
        self.register_plugin()
        image = Image.open(io.BytesIO(data))
        image.load()
        return image.convert("RGB")


_CODECS: Registry[type[BaselineCodec]] = Registry("codec")


def register_codec(cls: type[BaselineCodec]) -> type[BaselineCodec]:
    return _CODECS.add(cls.name, cls)


def get_codec(name: str) -> BaselineCodec:
    return _CODECS.get(name)()


def list_codecs() -> list[str]:
    return sorted(_CODECS.names())


@dataclass(frozen=True)
class AtRate:
    data: bytes
    quality: float
    bpp: float


def encode_at_bpp(codec: BaselineCodec, image: Image.Image, target_bpp: float, steps: int = 12) -> AtRate:
    """The encoding whose bpp is closest to ``target_bpp`` (bisection on the quality setting).

    Reports the bpp actually reached: codecs cannot hit every rate, and small
    images may not reach low targets at all.
    """
    pixels = image.width * image.height

    def attempt(q: float) -> AtRate:
        q = round(q) if codec.integer else q
        data = codec.encode(image, q)
        return AtRate(data, q, bits_per_pixel(len(data), pixels))

    lo, hi = codec.low, codec.high
    best = attempt(lo)
    candidates = [best, attempt(hi)]
    for _ in range(steps):
        if codec.integer and hi - lo <= 1:
            break
        mid = (lo + hi) / 2
        result = attempt(mid)
        candidates.append(result)
        if result.bpp < target_bpp:
            lo = mid
        else:
            hi = mid
    return min(candidates, key=lambda r: abs(r.bpp - target_bpp))
