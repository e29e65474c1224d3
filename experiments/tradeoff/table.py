"""Join the trade-off sweeps into tables and a plot, every α read at one common bpp.

    python experiments/tradeoff/table.py KODAK_SWEEP IMAGENET_SWEEP OUT_DIR

Writes ``points.csv`` (every network × quality as measured), ``tradeoff.csv`` (one row per α:
MS-SSIM and held-out top-1 interpolated linearly in bpp to the common rate), ``tradeoff.txt``
(whether each column is monotone in α) and ``tradeoff.png``.

Why a common rate: one λ gives each α its own rate (the machine term spends bits differently), and
a trade-off read at unequal rates mixes the two effects. Each network is trained at two qualities
that bracket the common rate, so every value is an interpolation, never an extrapolation. The
common rate is the geometric mean of all measured rates of that image set.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from odic.eval.plots import metric_label  # noqa: E402
from odic.eval.report import at_rate  # noqa: E402

MEAN = "top1:mean"


def summary(sweep: Path) -> list[dict[str, str]]:
    with open(sweep / "summary.csv", newline="") as f:
        return list(csv.DictReader(f))


def alpha(row: dict[str, str]) -> float:
    return float(row["codec"].split(":", 1)[1])


def at_common_rate(rows: list[dict[str, str]], metrics: list[str]) -> tuple[float, dict[float, dict[str, float]]]:
    """The common bpp, and each α's metrics interpolated to it."""
    common = math.exp(sum(math.log(float(r["bpp"])) for r in rows) / len(rows))
    out: dict[float, dict[str, float]] = {}
    for a in sorted({alpha(r) for r in rows}):
        mine = [r for r in rows if alpha(r) == a]
        values = {}
        for m in metrics:
            value = at_rate([(float(r["bpp"]), float(r[m])) for r in mine], common)
            if value is None:
                raise SystemExit(f"α = {a:g}: its rates {sorted(float(r['bpp']) for r in mine)} do not bracket "
                                 f"the common {common:.3f} bpp")
            values[m] = value
        out[a] = values
    return common, out


def monotone(values: list[float], rising: bool) -> bool:
    return all((b > a) if rising else (b < a) for a, b in zip(values, values[1:]))


def main() -> None:
    kodak, imagenet, out = (Path(a) for a in sys.argv[1:4])
    human, machine = summary(kodak), summary(imagenet)
    observers = [c for c in machine[0] if c.startswith("top1:")]
    for r in machine:  # the mean over held-out observers: one image set, less noise than each alone
        r[MEAN] = str(sum(float(r[c]) for c in observers) / len(observers))
    kodak_bpp, human_at = at_common_rate(human, ["msssim", "psnr"])
    imagenet_bpp, machine_at = at_common_rate(machine, [*observers, MEAN])
    alphas = sorted(human_at)

    by_point = {(alpha(m), m["setting"]): m for m in machine}
    if set(by_point) != {(alpha(h), h["setting"]) for h in human}:
        raise SystemExit("the two sweeps measured different networks or qualities")
    points = [{"alpha": alpha(h), "quality": h["setting"], "kodak_bpp": h["bpp"], "kodak_msssim": h["msssim"],
               "imagenet_bpp": by_point[alpha(h), h["setting"]]["bpp"],
               **{c: by_point[alpha(h), h["setting"]][c] for c in observers}}
              for h in sorted(human, key=lambda r: (alpha(r), r["setting"]))]
    table = [{"alpha": a, "kodak_bpp": f"{kodak_bpp:.4f}", "kodak_msssim": f"{human_at[a]['msssim']:.5f}",
              "kodak_psnr": f"{human_at[a]['psnr']:.3f}", "imagenet_bpp": f"{imagenet_bpp:.4f}",
              **{c: f"{machine_at[a][c]:.4f}" for c in [*observers, MEAN]}} for a in alphas]
    for name, rows in (("points.csv", points), ("tradeoff.csv", table)):
        with open(out / name, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    lines = [f"At {kodak_bpp:.3f} bpp on Kodak and {imagenet_bpp:.3f} bpp on imagenet-1000, as α goes "
             + " → ".join(f"{a:g}" for a in alphas) + ":"]
    msssim = [human_at[a]["msssim"] for a in alphas]
    lines.append(f"  Kodak MS-SSIM falls monotonically: {'yes' if monotone(msssim, rising=False) else 'no'}")
    for c in [*observers, MEAN]:
        top1 = [machine_at[a][c] for a in alphas]
        smallest = min(b - a for a, b in zip(top1, top1[1:]))
        lines.append(f"  {metric_label(c)} rises monotonically: {'yes' if monotone(top1, rising=True) else 'no'} "
                     f"({' / '.join(f'{100 * v:.1f}' for v in top1)} %; smallest step {100 * smallest:+.2f} points)")
    (out / "tradeoff.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

    fig, left = plt.subplots(figsize=(6.4, 4.4))
    left.plot(alphas, msssim, "o-", color="black", label=f"Kodak MS-SSIM ({kodak_bpp:.2f} bpp)")
    left.set(xlabel="α (0 = human observer, 1 = machine observer)", ylabel="MS-SSIM (Kodak)")
    right = left.twinx()
    for c in observers:
        right.plot(alphas, [100 * machine_at[a][c] for a in alphas], "s--", alpha=0.6, label=metric_label(c))
    right.plot(alphas, [100 * machine_at[a][MEAN] for a in alphas], "D-", color="tab:red", lw=2,
               label="mean of held-out observers")
    right.set_ylabel(f"top-1 % (imagenet-1000, {imagenet_bpp:.2f} bpp)")
    lines_ = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    left.legend(lines_, [line.get_label() for line in lines_], fontsize=7, loc="lower center")
    left.set_title("α trade-off, every α read at the same bpp")
    left.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "tradeoff.png", dpi=120)


if __name__ == "__main__":
    main()
