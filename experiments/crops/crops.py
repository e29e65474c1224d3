"""odic beside AVIF by eye: one Kodak crop, both coded at the same file size.

For each odic quality given, the whole image is coded with the installed odic network, AVIF is
searched to the same size (bisection on its quality), and the crop of the original, odic and AVIF
are put side by side, 2× enlarged, each labelled with its bytes, bpp and whole-image PSNR:

    python experiments/crops/crops.py ../shared/data/kodak/kodim23.png 3 experiments/crops/kodim23-q3.png

The README beside this script shows the committed pictures and what they show.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

import odic
from odic.baselines import encode_at_bpp, get_codec
from odic.metrics import psnr

#: (left, top, size) of the crop: kodim23's parrot head and the smooth background beside it.
CROP = (300, 60, 192)


def panel(image: Image.Image, label: str) -> Image.Image:
    left, top, size = CROP
    crop = image.convert("RGB").crop((left, top, left + size, top + size)).resize((2 * size, 2 * size), Image.NEAREST)
    canvas = Image.new("RGB", (crop.width, crop.height + 20), "white")
    canvas.paste(crop, (0, 20))
    ImageDraw.Draw(canvas).text((4, 4), label, fill="black")
    return canvas


def main(source: Path, quality: int, out: Path) -> None:
    original = Image.open(source).convert("RGB")
    pixels = original.width * original.height
    data = odic.encode(original, alpha=0.0, quality=quality)
    ours = odic.decode(data)
    avif = get_codec("avif")
    theirs = encode_at_bpp(avif, original, 8 * len(data) / pixels)
    rival = avif.decode(theirs.data)
    reference = np.asarray(original)
    panels = [panel(original, "original")]
    for name, size, image in (("odic a=0", len(data), ours), ("AVIF", len(theirs.data), rival)):
        quality_db = psnr(np.asarray(image.convert("RGB")), reference)
        panels.append(panel(image, f"{name}: {size:,} bytes, {8 * size / pixels:.3f} bpp, {quality_db:.2f} dB"))
    sheet = Image.new("RGB", (sum(p.width for p in panels), panels[0].height), "white")
    for i, p in enumerate(panels):
        sheet.paste(p, (i * p.width, 0))
    sheet.save(out)
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
