"""The comparison of compare.py on the more textured half of the held-out photos only.

Why: Kodak's film grain and texture penalise smooth reconstructions in MS-SSIM that the mostly
smooth BSDS photos reward (experiments/train/README.md §13), so a candidate must not win on the
smooth half alone. "More textured" is the half of the photos on which the shipped network spends
the most bits at quality 5, a measure of detail that needs no extra computation:

    python experiments/selection/texture.py experiments/selection/a0-pixel-s12-heldout.jsonl \
      experiments/selection/a0-pixel-s13-heldout.jsonl
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

from odic.eval.report import at_rate


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _curve(records: list[dict], images: set[str]) -> dict[str, tuple[float, float, float]]:
    """setting → (mean bpp, mean PSNR, mean MS-SSIM) over ``images``."""
    by_setting: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if r["image"] in images:
            by_setting[r["setting"]].append(r)
    return {s: tuple(statistics.fmean(r[m] for r in rows) for m in ("bpp", "psnr", "msssim"))  # type: ignore[misc]
            for s, rows in sorted(by_setting.items(), key=lambda kv: int(kv[0][1:]))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shipped", type=Path, help="records.jsonl of the shipped network's sweep")
    parser.add_argument("candidate", type=Path, help="records.jsonl of the candidate's sweep")
    args = parser.parse_args()
    shipped, candidate = _records(args.shipped), _records(args.candidate)
    detail = sorted((r["bpp"], r["image"]) for r in shipped if r["setting"] == "q5")
    textured = {image for _, image in detail[len(detail) // 2:]}
    print(f"{len(textured)} most textured of {len(detail)} photos")
    print("setting | bpp | psnr candidate / shipped | msssim candidate / shipped")
    old = list(_curve(shipped, textured).values())
    for setting, (bpp, psnr, msssim) in _curve(candidate, textured).items():
        cells = []
        for value, column in ((psnr, 1), (msssim, 2)):
            ref = at_rate([(row[0], row[column]) for row in old], bpp)
            cells.append(f"{value:.4f} / " + ("–" if ref is None else f"{ref:.4f}"))
        print(f"{setting} | {bpp:.3f} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
