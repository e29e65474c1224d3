"""The measured slope: how much rate against AVIF each doubling of training has bought so far.

Issue 22 closes with "the measured slope (gain per doubling of training)". Runs vanish with their
machines, but every shipped network's sweeps are in git: each version of a committed results table
(Kodak, imagenet-125) whose odic rows changed is one measurement, and the weights manifest of the
same commit says how many steps that network's lineage had. For each α and metric this prints the
BD-rate against AVIF of the same table (MS-SSIM in dB and PSNR over the common range; top-1 over
0.1–0.5 bpp, the issue's range), and fits log(1 + BD) as a line in log2(steps) (Theil–Sen). Kodak's
table also has the issue's other α = 0 target, PSNR at 1 bpp (the curve joined in log-rate):

    python experiments/train/slope.py > experiments/train/slope.md

The fit spans changes of recipe and architecture along the way, so it is the slope of what was done,
not of one recipe; the steps to BD = 0 extrapolate that line.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
from scipy.stats import theilslopes

from odic.codec import zoo
from odic.eval.bjontegaard import bd_rate, msssim_db
from odic.eval.report import at_rate

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ("odic/weights/manifest.json", "weights/manifest.json")
MNV2 = "top1:tflite:../shared/observers/mobilenet_v2_1.0_224_quant.tflite"
#: table → (metrics, the rate range the BD-rate is taken over, the bpp a PSNR column is read at).
TABLES = {
    "experiments/kodak/summary.csv": (["msssim", "psnr"], None, 1.0),
    "experiments/imagenet/summary.csv": (["top1:lite2", MNV2], (0.1, 0.5), None),
}
ALPHAS = (0.0, 0.5, 1.0)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def steps_at(commit: str) -> dict[float, int]:
    """The lineage steps of each α's main network (its largest) in the manifest of ``commit``."""
    for path in MANIFESTS:
        try:
            manifest = json.loads(git("show", f"{commit}:{path}"))
        except subprocess.CalledProcessError:
            continue
        steps: dict[float, int] = {}
        for record in zoo.flat_entries(manifest["models"]):
            steps[record["alpha"]] = max(steps.get(record["alpha"], 0), record.get("steps", 0))
        return steps
    return {}


def value(metric: str, row: dict[str, str]) -> float:
    v = float(row[metric])
    return msssim_db(v) if metric == "msssim" else v


def measurements(table: str) -> list[dict]:
    """One row per (α, commit) at which the table's odic:α rows changed."""
    metrics, rates, psnr_bpp = TABLES[table]
    out, seen = [], {}
    for commit in git("log", "--reverse", "--format=%h", "--", table).split():
        rows = list(csv.DictReader(io.StringIO(git("show", f"{commit}:{table}"))))
        avif = [r for r in rows if r["codec"] == "avif"]
        steps = steps_at(commit)
        for alpha in ALPHAS:
            odic = [r for r in rows if r["codec"] == f"odic:{alpha:g}"]
            key = json.dumps(odic)
            if not odic or seen.get(alpha) == key or alpha not in steps or not all(m in odic[0] for m in metrics):
                continue
            seen[alpha] = key
            bd = {m: bd_rate([float(r["bpp"]) for r in avif], [value(m, r) for r in avif],
                             [float(r["bpp"]) for r in odic], [value(m, r) for r in odic], rates)
                  for m in metrics}
            if psnr_bpp:
                bd["psnr_at"] = at_rate([(float(r["bpp"]), float(r["psnr"])) for r in odic], psnr_bpp)
            out.append({"commit": commit, "alpha": alpha, "steps": steps[alpha], **bd})
    return out


def fit(points: list[tuple[int, float]]) -> tuple[float, float] | None:
    """(rate change per doubling in %, doublings from the last measurement to BD = 0), or None.

    Theil–Sen (the median of the pairwise slopes): the first networks, trained for minutes, sit far
    off any line and would otherwise decide it.
    """
    points = [(s, b) for s, b in points if math.isfinite(b)]
    if len({s for s, _ in points}) < 3:
        return None
    slope = theilslopes(np.log1p(np.array([b for _, b in points]) / 100), np.log2([s for s, _ in points]))[0]
    return math.expm1(slope) * 100, (-math.log1p(points[-1][1] / 100) / slope if slope < 0 else math.inf)


def main() -> None:
    print("# Rate against AVIF by training: the measured slope\n")
    print("Written by `python experiments/train/slope.py` from the git history of the results tables and the"
          " weights manifest; BD-rate in % against AVIF (negative: odic needs fewer bits).\n")
    for table, (metrics, rates, psnr_bpp) in TABLES.items():
        rows = measurements(table)
        span = f", over {rates[0]}–{rates[1]} bpp" if rates else ""
        extra = [f"PSNR at {psnr_bpp:g} bpp (dB)"] if psnr_bpp else []
        print(f"## {table}{span}\n")
        print("| commit | α | steps | " + " | ".join([m.replace(MNV2, "top1:MobileNetV2") for m in metrics] + extra)
              + " |")
        print("|---|---|---|" + "---|" * (len(metrics) + len(extra)))
        for r in rows:
            at = [f"{r['psnr_at']:.2f}" if r["psnr_at"] is not None else "–"] if psnr_bpp else []
            print(f"| {r['commit']} | {r['alpha']:g} | {r['steps']:,} | "
                  + " | ".join([f"{r[m]:+.1f}" for m in metrics] + at) + " |")
        print("\n| α | metric | points | now | per doubling of steps | doublings to 0 % |")
        print("|---|---|---|---|---|---|")
        for alpha in ALPHAS:
            mine = [r for r in rows if r["alpha"] == alpha]
            for m in metrics:
                result = fit([(r["steps"], r[m]) for r in mine])
                if result is None or not mine:
                    continue
                per, doublings = result
                print(f"| {alpha:g} | {m.replace(MNV2, 'top1:MobileNetV2')} | {len(mine)} | {mine[-1][m]:+.1f} % | "
                      f"{per:+.1f} % | {doublings:.1f} |")
        print()


if __name__ == "__main__":
    sys.exit(main())
