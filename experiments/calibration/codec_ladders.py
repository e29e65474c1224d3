"""Mean bpp of each classical codec over a grid of its quality settings, on training photos.

The quality ladders in ``odic/baselines/codecs.py`` (the settings a sweep uses when it is not
given target bpps) were read off this table so that they span about 0.1–1.0 bpp. They are chosen
on ``../shared/data/train`` (BSDS500), never on the evaluation sets.

    python experiments/calibration/codec_ladders.py ../shared/data/train --images 12 > experiments/calibration/codec_ladders-train12.txt
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from odic.baselines import get_codec, list_codecs
from odic.codec.image import load_image
from odic.data.files import find_images

GRID = {"jpeg2000": [0.05, 0.1, 0.2, 0.35, 0.6, 1.0]}
DEFAULT_GRID = [1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--images", type=int, default=24)
    parser.add_argument("--codecs", default=",".join(list_codecs()))
    args = parser.parse_args()
    files = find_images(args.folder)
    files = [files[round(i * len(files) / args.images)] for i in range(args.images)]
    pictures = [Image.fromarray(load_image(f).rgb) for f in files]
    table = {}
    for name in args.codecs.split(","):
        codec = get_codec(name)
        table[name] = {
            f"{q:g}": round(float(np.mean([8 * len(codec.encode(p, q)) / (p.width * p.height) for p in pictures])), 3)
            for q in GRID.get(name, DEFAULT_GRID)
        }
        print(name, json.dumps(table[name]), flush=True)


if __name__ == "__main__":
    main()
