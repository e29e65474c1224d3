"""Where to find the rates between two shipped qualities that differ in picture size or file.

Between two qualities coded at the same size by one network, the gains interpolate (GainMix,
0 ≤ t ≤ 1). Across the half-size boundary (q2 → q3) they do not: each level's gains were trained
for its own picture size, so mixing them is not a path of rising rate. This measures the two
paths that stay at one picture size: the lower quality's line extrapolated upward (t > 1 along
the line from the quality below it) and the upper quality's line extrapolated downward (t < 0
along the line from the quality above it), on held-back training photos:

    python experiments/rate/gap.py ../shared/data/train 12 > experiments/rate/gap.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from odic.codec import zoo
from odic.codec.codec import Codec
from odic.codec.image import load_image
from odic.codec.models import get_architecture
from odic.codec.nets import GainMix
from odic.data.files import find_images
from odic.metrics import msssim_uint8, psnr


def measure(codec: Codec, images: list) -> tuple[float, float, float]:
    rows = []
    for image in images:
        encoded = codec.encode_image(image, reconstruct=True)
        bpp = 8 * encoded.num_bytes / (image.height * image.width)
        rows.append((bpp, psnr(image.rgb, encoded.reconstruction), msssim_uint8(image.rgb, encoded.reconstruction)))
    return tuple(np.mean(rows, axis=0))  # type: ignore[return-value]


def codec(card: zoo.ModelCard, level: int | GainMix, resample: int) -> Codec:
    return Codec(zoo._model(card), get_architecture(card.architecture), card.model_id, card.alpha, card.quality,
                 level, resample)


def main(data: Path, count: int) -> None:
    images = [load_image(p) for p in find_images(data)[:count]]
    print(f"{count} held-back training photos (the first of find_images order); mean bpp, PSNR, MS-SSIM")
    for alpha in (0.0, 0.5, 1.0):
        cards = [c for c in zoo.available() if c.alpha == alpha]
        for below, low, high, above in zip(cards, cards[1:], cards[2:], cards[3:]):
            if (low.path, low.resample) == (high.path, high.resample):
                continue
            print(f"\nα = {alpha:g}: gap q{low.quality} (1/{low.resample}) → q{high.quality} (1/{high.resample})")
            for card in (low, high):
                print(f"  shipped q{card.quality}: " + " ".join(f"{v:.4f}" for v in measure(zoo.load(card), images)))
            for t in (1.25, 1.5, 2.0, 2.5, 3.0):
                mix = GainMix(below.level, low.level, t)
                print(f"  up   q{low.quality} t={t:<5}: " + " ".join(f"{v:.4f}" for v in
                                                               measure(codec(low, mix, low.resample), images)))
            for t in (-0.25, -0.5, -1.0, -1.5, -2.0):
                mix = GainMix(high.level, above.level, t)
                print(f"  down q{high.quality} t={t:<5}: " + " ".join(f"{v:.4f}" for v in
                                                                 measure(codec(high, mix, high.resample), images)))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
