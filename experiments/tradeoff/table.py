"""Join the trade-off sweeps into ``tradeoff.csv`` (one row per α) and ``tradeoff.png``.

    python experiments/tradeoff/table.py KODAK_SWEEP IMAGENET_SWEEP OUT_DIR
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from odic.eval.plots import metric_label  # noqa: E402


def rows(sweep: Path) -> dict[float, dict[str, str]]:
    with open(sweep / "summary.csv", newline="") as f:
        return {float(r["codec"].split(":", 1)[1]): r for r in csv.DictReader(f)}


def main() -> None:
    kodak, imagenet, out = (Path(a) for a in sys.argv[1:4])
    human, machine = rows(kodak), rows(imagenet)
    observers = [c for c in next(iter(machine.values())) if c.startswith("top1:")]
    table = [{"alpha": a, "kodak_bpp": human[a]["bpp"], "kodak_msssim": human[a]["msssim"], "kodak_psnr": human[a]["psnr"],
              "imagenet_bpp": machine[a]["bpp"], **{c: machine[a][c] for c in observers}} for a in sorted(human)]
    with open(out / "tradeoff.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    alphas = [r["alpha"] for r in table]
    fig, left = plt.subplots(figsize=(6, 4.2))
    left.plot(alphas, [float(r["kodak_msssim"]) for r in table], "o-", color="black", label="Kodak MS-SSIM")
    left.set(xlabel="α (0 = human observer, 1 = machine observer)", ylabel="MS-SSIM (Kodak)")
    right = left.twinx()
    for c in observers:
        right.plot(alphas, [100 * float(r[c]) for r in table], "s--", label=metric_label(c))
    right.set_ylabel("top-1 % (imagenet-1000, held-out observers)")
    lines = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    left.legend(lines, [line.get_label() for line in lines], fontsize=8, loc="lower center")
    left.set_title("α trade-off at quality 3")
    left.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "tradeoff.png", dpi=120)


if __name__ == "__main__":
    main()
