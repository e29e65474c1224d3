"""``odic demo``: the whole product in one command, offline.

Uses photographs bundled with scikit-image (so it needs no network and no data
download) or a folder of the user's, encodes each at the human / balanced /
machine settings that are installed, decodes, measures, and draws a
side-by-side comparison.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from odic import api
from odic.codec import zoo
from odic.codec.image import load_image
from odic.data.files import find_images
from odic.errors import ImageInputError, NoWeightsError, UnknownModelError
from odic.fsutil import atomic_write_bytes
from odic.metrics import measure

SAMPLES = ("astronaut.png", "coffee.png", "chelsea.png")
TILE_HEIGHT = 256


@dataclass(frozen=True)
class DemoRow:
    image: str
    observer: str
    alpha: float
    num_bytes: int
    bpp: float
    psnr: float
    msssim: float
    encode_s: float
    decode_s: float


def sample_images() -> list[Path]:
    """scikit-image's sample photos: the demo runs without a photo of the user's."""
    try:
        import skimage.data
    except ImportError:
        raise ImageInputError("the demo's sample photos come with the 'eval' extra (pip install 'odic[eval]'); "
                              "or give the demo a folder of your own: odic demo --images DIR") from None

    folder = Path(skimage.data.__file__).parent
    return [folder / name for name in SAMPLES]


def _tile(rgb: np.ndarray, caption: str) -> Image.Image:
    im = Image.fromarray(rgb)
    im = im.resize((max(1, round(im.width * TILE_HEIGHT / im.height)), TILE_HEIGHT), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, im.width, 16), fill=(0, 0, 0))
    draw.text((4, 2), caption, fill=(255, 255, 255))
    return im


def run_demo(images: Path | None, output: Path, quality: int | None = None) -> list[DemoRow]:
    files = find_images(images) if images is not None else sample_images()
    if not files:
        raise ImageInputError(f"no images in {images}")
    codecs = []
    for name, alpha in zoo.OBSERVER_ALPHA.items():
        try:
            codecs.append((name, alpha, api.load_codec(alpha, quality)))
        except NoWeightsError:
            raise
        except UnknownModelError:
            continue  # no model for this observer preset is installed
    if not codecs:
        raise UnknownModelError("no installed model matches the human, balanced or machine preset")
    rows, strips = [], []
    for path in files:
        image = load_image(path)
        tiles = [_tile(image.rgb, f"original {image.width}x{image.height}")]
        for name, alpha, codec in codecs:
            start = time.perf_counter()
            data = codec.encode_image(image).data
            encoded = time.perf_counter()
            decoded = np.asarray(codec.decode(data).convert("RGB"))
            done = time.perf_counter()
            m = measure(image.rgb, data, decoded)
            assert m.bpp is not None  # a real file
            row = DemoRow(path.name, name, alpha, len(data), m.bpp, m.psnr, m.msssim or float("nan"), encoded - start,
                          done - encoded)
            rows.append(row)
            tiles.append(_tile(decoded, f"{name} a={alpha:g}: {row.bpp:.3f} bpp, {row.psnr:.1f} dB"))
        strip = Image.new("RGB", (sum(t.width for t in tiles), TILE_HEIGHT), "white")
        x = 0
        for t in tiles:
            strip.paste(t, (x, 0))
            x += t.width
        strips.append(strip)
    sheet = Image.new("RGB", (max(s.width for s in strips), TILE_HEIGHT * len(strips)), "white")
    for i, s in enumerate(strips):
        sheet.paste(s, (0, i * TILE_HEIGHT))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    atomic_write_bytes(output, buffer.getvalue())
    return rows
