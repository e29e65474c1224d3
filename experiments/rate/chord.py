"""Qualities between shipped ones against the straight line between their shipped neighbours.

For each odic row of a sweep summary at a quality that is not shipped, the PSNR and MS-SSIM
(dB) of the straight line between the two neighbouring shipped qualities' points, read at the
row's bpp, and the difference (positive: the in-between quality beats the line):

    python experiments/rate/chord.py runs/rate/sweep/summary.csv > experiments/rate/chord.md
"""

from __future__ import annotations

import csv
import math
import sys
from collections import defaultdict
from pathlib import Path

from odic.codec import zoo


def _db(msssim: float) -> float:
    return -10 * math.log10(1 - msssim)


def main(summary: Path) -> None:
    rows: dict[float, list[tuple[float, float, float, float]]] = defaultdict(list)
    with open(summary, newline="") as f:
        for row in csv.DictReader(f):
            if row["codec"].startswith("odic:"):
                quality = float(row["setting"].removeprefix("q"))
                rows[float(row["codec"][5:])].append((quality, float(row["bpp"]), float(row["psnr"]),
                                                      _db(float(row["msssim"]))))
    print("| α | quality | bpp | PSNR | line | Δ PSNR (dB) | MS-SSIM (dB) | line | Δ MS-SSIM (dB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for alpha, points in sorted(rows.items()):
        shipped = {c.quality for c in zoo.available() if c.alpha == alpha}
        anchors = sorted(p for p in points if p[0] in shipped)
        for quality, bpp, psnr, msssim in sorted(points):
            if quality in shipped:
                continue
            low = max((a for a in anchors if a[0] < quality), key=lambda a: a[0])
            high = min((a for a in anchors if a[0] > quality), key=lambda a: a[0])
            w = (bpp - low[1]) / (high[1] - low[1])
            line_psnr, line_ms = low[2] + w * (high[2] - low[2]), low[3] + w * (high[3] - low[3])
            print(f"| {alpha:g} | {quality:g} | {bpp:.4f} | {psnr:.2f} | {line_psnr:.2f} | {psnr - line_psnr:+.2f} | "
                  f"{msssim:.2f} | {line_ms:.2f} | {msssim - line_ms:+.2f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
