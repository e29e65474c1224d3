"""Observer adaptation table: how much of the accuracy a codec costs each adapted observer wins back.

    python experiments/adaptation/table.py SWEEP OUT_DIR OBSERVER CODEC=ADAPTED_SPEC...

SWEEP is a sweep over ``original`` and each codec at one target bpp, judged by OBSERVER and by
every adapted observer. One row per codec: top-1 of the original observer on clean and decoded
images, of the observer adapted to that codec on both, and the fraction of the drop recovered,
(adapted on decoded − original on decoded) / (original on clean − original on decoded).
Also ``adaptation.png``: those four top-1 values per codec as grouped bars.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BARS = {"observer_clean": "original, clean", "observer_decoded": "original, decoded",
        "adapted_clean": "adapted, clean", "adapted_decoded": "adapted, decoded"}


def plot(table: list[dict], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6.5, 4))
    width = 0.8 / len(BARS)
    for i, (key, label) in enumerate(BARS.items()):
        xs = [j + (i - (len(BARS) - 1) / 2) * width for j in range(len(table))]
        ax.bar(xs, [100 * row[key] for row in table], width, label=label)
    ax.set_xticks(range(len(table)), [f"{row['codec']}\n{float(row['bpp']):.3f} bpp" for row in table])
    ax.set_ylabel("top-1 (%)")
    ax.set_ylim(0, 112)
    ax.set_title("Lite0 adapted to each codec, without labels")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", ncol=4)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    sweep, out, observer = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    adapted = dict(arg.split("=", 1) for arg in sys.argv[4:])
    with open(sweep / "summary.csv", newline="") as f:
        rows = {r["codec"]: r for r in csv.DictReader(f)}
    clean = rows["original"]
    table = []
    for codec, spec in adapted.items():
        decoded = rows[codec]
        base_clean, base_decoded = float(clean[f"top1:{observer}"]), float(decoded[f"top1:{observer}"])
        ad_clean, ad_decoded = float(clean[f"top1:{spec}"]), float(decoded[f"top1:{spec}"])
        drop = base_clean - base_decoded
        table.append({
            "codec": codec, "bpp": decoded["bpp"], "observer_clean": base_clean, "observer_decoded": base_decoded,
            "adapted_clean": ad_clean, "adapted_decoded": ad_decoded,
            "recovered": round((ad_decoded - base_decoded) / drop, 3) if drop > 0 else "",
            "clean_change": round(ad_clean - base_clean, 4),
        })
    with open(out / "adaptation.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    plot(table, out / "adaptation.png")


if __name__ == "__main__":
    main()
