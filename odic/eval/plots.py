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


def _save(fig: plt.Figure, ax: plt.Axes, path: Path, legend_size: int) -> Path:
    """The finish every figure shares: grid, legend, tight layout, 120 dpi PNG, figure closed."""
    ax.grid(alpha=0.3)
    ax.legend(fontsize=legend_size)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


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
        written.append(_save(fig, ax, out / f"{metric_slug(metric)}_vs_bpp.png", legend_size=8))
    return written


def distortion_curves(rows: Sequence[dict], observers: Sequence[str], out: Path) -> list[Path]:
    """``robustness_<family>.png``: top-1 against the level of each distortion, one line per
    observer, its clean accuracy dashed; odic families against bpp (their level is a rate)."""
    from odic.eval.distortions import get_distortion, is_distortion

    by_family: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_family[row["codec"]].append(row)
    clean = by_family.pop("original", [{}])[0]
    odic = sorted(f for f in by_family if f.startswith("odic:"))
    families = [(f, [f]) for f in by_family if is_distortion(f)] + ([("odic", odic)] if odic else [])
    written = []
    for family, members in families:
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for i, spec in enumerate(observers):
            color = f"C{i}"
            for j, member in enumerate(members):
                points = by_family[member]
                xs = [p["bpp"] for p in points] if family == "odic" else [float(p["setting"].lstrip("q")) for p in points]
                style = "-" if j == 0 else ":"
                ax.plot(xs, [100 * p[f"top1:{spec}"] for p in points], style, marker="o", color=color,
                        label=display_name(spec) + (f" ({member})" if family == "odic" else ""))
            if f"top1:{spec}" in clean:
                ax.axhline(100 * clean[f"top1:{spec}"], color=color, linestyle="--", linewidth=0.8)
        xlabel = "bits per pixel" if family == "odic" else get_distortion(family).unit
        ax.set(xlabel=xlabel, ylabel="top-1 (%)", title=f"{family} (dashed: undistorted)", ylim=(0, 100))
        written.append(_save(fig, ax, out / f"robustness_{family}.png", legend_size=7))
    return written
