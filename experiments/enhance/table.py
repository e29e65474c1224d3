"""Recognition-aware against plain post-processing: the issue's goal as one table.

    python experiments/enhance/table.py IMAGENET_SUMMARY KODAK_SUMMARY OUT_CSV

One row per target rate and held-out observer: top-1 of raw JPEG, of the plain and of the
recognition-aware enhancer, the gain of recognition over plain (points), and the Kodak PSNR cost
of recognition against plain at the same rate (dB). The goal: gain ≥ 3 points at 0.25 bpp for a
PSNR cost ≤ 0.5 dB.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

RAW, PLAIN, RECOGNITION = "jpeg", "jpeg+jpeg-plain", "jpeg+jpeg-recognition"


def _rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(path, newline="") as f:
        return {(r["codec"], r["setting"]): r for r in csv.DictReader(f)}


def main() -> None:
    imagenet, kodak, out = _rows(Path(sys.argv[1])), _rows(Path(sys.argv[2])), Path(sys.argv[3])
    settings = sorted({s for c, s in imagenet if c == RAW}, key=float)
    observers = [k.split(":", 1)[1] for k in next(iter(imagenet.values())) if k.startswith("top1:")]
    table = []
    for setting in settings:
        psnr_cost = float(kodak[(PLAIN, setting)]["psnr"]) - float(kodak[(RECOGNITION, setting)]["psnr"])
        for observer in observers:
            top1 = {c: 100 * float(imagenet[(c, setting)][f"top1:{observer}"]) for c in (RAW, PLAIN, RECOGNITION)}
            table.append({
                "setting": setting, "observer": observer, "bpp": imagenet[(RAW, setting)]["bpp"],
                "top1_jpeg": round(top1[RAW], 1), "top1_plain": round(top1[PLAIN], 1),
                "top1_recognition": round(top1[RECOGNITION], 1),
                "gain_over_plain": round(top1[RECOGNITION] - top1[PLAIN], 1),
                "kodak_psnr_cost_db": round(psnr_cost, 3),
            })
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)


if __name__ == "__main__":
    main()
