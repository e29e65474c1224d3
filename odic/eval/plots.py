"""Rate curves: one figure per quality metric, one line per codec."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402

from odic.observers import display_name

LABELS = {"psnr": "PSNR (dB)", "msssim": "MS-SSIM", "bpp": "bpp"}


def metric_label(metric: str) -> str:
    """"top1:tflite:…/mobilenet_v2.tflite" → "top-1 mobilenet_v2"; "psnr" → "PSNR (dB)"."""
    kind, _, spec = metric.partition(":")
    return f"{kind[:3]}-{kind[3:]} {display_name(spec)}" if spec else LABELS.get(metric, metric)


def metric_slug(metric: str) -> str:
    kind, _, spec = metric.partition(":")
    return f"{kind}_{display_name(spec)}" if spec else metric


def rate_curves(rows: Sequence[dict], metrics: Sequence[str], out: Path, title: str = "") -> list[Path]:
    """Write ``<metric>_vs_bpp.png`` for each metric present in the summary rows."""
    by_codec: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_codec[row["codec"]].append(row)
    written = []
    for metric in metrics:
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for codec, points in sorted(by_codec.items()):
            points = sorted((p for p in points if p.get(metric) is not None), key=lambda p: p["bpp"])
            if points:
                ax.plot([p["bpp"] for p in points], [p[metric] for p in points], marker="o", label=codec,
                        linewidth=2.2 if codec.startswith("odic") else 1.2)
        label = metric_label(metric)
        ax.set(xlabel="bits per pixel", ylabel=label, title=title or label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = out / f"{metric_slug(metric)}_vs_bpp.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        written.append(path)
    return written
