"""A candidate network against the shipped one, at the candidate's rates, on training images.

Reads two ``odic lab sweep`` summaries of the same images (``own_labels.py`` labels, so top-1 is the
observer's agreement with itself on the original) and prints, for each quality of the candidate,
its bpp, PSNR, MS-SSIM and agreement beside the shipped curve interpolated to that bpp, then the
candidate's BD-rate against the shipped curve for each measure: one figure for the whole curve,
in the form of the issue's targets (MS-SSIM in dB), that does not depend on which side is
interpolated:

    python experiments/selection/compare.py runs/sel-shipped/summary.csv runs/sel-pixel2/summary.csv
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from odic.eval.report import at_rate
from odic.eval.sweep import bd_table


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shipped", type=Path)
    parser.add_argument("candidate", type=Path)
    parser.add_argument("--codec", help="Only this codec's rows of both summaries (e.g. odic:1 of a benchmark's).")
    parser.add_argument("--against", help="The shipped summary's codec where it is another one (e.g. odic:0 "
                                          "against --codec odic:0.5 of the same summary).")
    args = parser.parse_args()
    shipped, candidate = (
        [r for r in _rows(path) if codec in (None, r["codec"])]
        for path, codec in ((args.shipped, args.against or args.codec), (args.candidate, args.codec))
    )
    metrics = ["psnr", "msssim"] + [c for c in candidate[0] if c.startswith("top1:") and c in shipped[0]]
    shipped_points, candidate_points = (
        [{**{m: float(r[m]) for m in metrics}, "bpp": float(r["bpp"]), "codec": name} for r in rows]
        for name, rows in (("shipped", shipped), ("candidate", candidate))
    )
    reference = {m: [(p["bpp"], p[m]) for p in shipped_points] for m in metrics}
    print("setting | bpp | " + " | ".join(f"{m} candidate / shipped" for m in metrics))
    for row, point in zip(candidate, candidate_points):
        refs = [at_rate(reference[m], point["bpp"]) for m in metrics]
        cells = [f"{point[m]:.4f} / " + ("–" if ref is None else f"{ref:.4f}") for m, ref in zip(metrics, refs)]
        print(f"{row['setting']} | {point['bpp']:.3f} | " + " | ".join(cells))
    bd = bd_table(shipped_points + candidate_points, "shipped", metrics, codecs=["candidate"])[0]
    print("BD-rate against the shipped curve (%, negative = fewer bits): "
          + ", ".join(f"{m} {bd[m]:+.2f}" for m in metrics))


if __name__ == "__main__":
    main()
