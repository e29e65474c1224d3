"""Rate curves: one figure per quality metric, one line per codec.

Every codec keeps one colour and one marker in every figure (``STYLES``), rates are on a log
axis (the interesting range, 0.05–0.5 bpp, would otherwise be squeezed into a corner), and
MS-SSIM is drawn in dB, −10·log10(1 − MS-SSIM), where linear MS-SSIM bunches everything above 0.95.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402

from odic import codecs
from odic.eval.bjontegaard import msssim_db
from odic.observers import display_name

LABELS = {"psnr": "PSNR (dB)", "msssim": "MS-SSIM", "bpp": "bpp"}
#: codec → (colour, marker), the same in every figure; odic's networks are the solid, heavier lines.
STYLES = {
    "odic:0": ("#d62728", "o"), "odic:0.5": ("#9467bd", "o"), "odic:1": ("#8c564b", "o"),
    "avif": ("#1f77b4", "s"), "heic": ("#17becf", "D"), "webp": ("#2ca02c", "^"), "webp-half": ("#98df8a", "v"),
    "jpeg": ("#7f7f7f", "x"), "jpeg444": ("#bcbd22", "+"), "jpeg2000": ("#ff7f0e", "P"),
    "jpegxl": ("#e377c2", "*"), "jpegxl-half": ("#f7b6d2", "h"),
}
_SPARE_MARKERS = "<>p8d"


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


def style(codec: str, index: int) -> dict:
    """Matplotlib keywords of ``codec``'s line; codecs without a fixed style take spare ones by ``index``."""
    color, marker = STYLES.get(codec, (f"C{index % 10}", _SPARE_MARKERS[index % len(_SPARE_MARKERS)]))
    heavy = codecs.is_learned(codec)
    return {"color": color, "marker": marker, "linewidth": 2.2 if heavy else 1.2, "markersize": 5 if heavy else 4,
            "linestyle": "-" if heavy else "--"}


def rate_curves(rows: Sequence[dict], metrics: Sequence[str], out: Path, title: str = "") -> list[Path]:
    """Write ``<metric>_vs_bpp.png`` for each metric present in the summary rows."""
    by_codec: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_codec[row["codec"]].append(row)
    written = []
    for metric in metrics:
        fig, ax = plt.subplots(figsize=(6.4, 4.4))
        for i, (codec, points) in enumerate(sorted(by_codec.items())):
            points = sorted((p for p in points if p.get(metric) is not None and p.get("bpp")), key=lambda p: p["bpp"])
            values = [msssim_db(p[metric]) if metric == "msssim" else 100 * p[metric] if metric.startswith("top")
                      else p[metric] for p in points]
            if points:
                ax.plot([p["bpp"] for p in points], values, label=codec, **style(codec, i))
        label = ("MS-SSIM (dB)" if metric == "msssim" else f"{metric_label(metric)} (%)" if metric.startswith("top")
                 else metric_label(metric))
        ax.set_xscale("log")
        ax.set(xlabel="bits per pixel (log scale)", ylabel=label, title=title or label)
        written.append(_save(fig, ax, out / f"{metric_slug(metric)}_vs_bpp.png", legend_size=7))
    return written


def distortion_curves(rows: Sequence[dict], observers: Sequence[str], out: Path) -> list[Path]:
    """``robustness_<family>.png``: top-1 against the level of each distortion, one line per
    observer, its clean accuracy dashed; odic families against bpp (their level is a rate)."""
    from odic.eval.distortions import get_distortion, is_distortion

    by_family: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_family[row["codec"]].append(row)
    clean = by_family.pop("original", [{}])[0]
    odic = sorted(f for f in by_family if codecs.is_learned(f))
    # (name, members, rated): a distortion's axis is its level, odic's networks' is their bpp.
    families = [(f, [f], False) for f in by_family if is_distortion(f)] + ([("odic", odic, True)] if odic else [])
    written = []
    for family, members, rated in families:
        fig, ax = plt.subplots(figsize=(6, 4.2))
        for i, spec in enumerate(observers):
            color = f"C{i}"
            for j, member in enumerate(members):
                points = by_family[member]
                xs = [p["bpp"] for p in points] if rated else [float(p["setting"].lstrip("q")) for p in points]
                style = "-" if j == 0 else ":"
                ax.plot(xs, [100 * p[f"top1:{spec}"] for p in points], style, marker="o", color=color,
                        label=display_name(spec) + (f" ({member})" if rated else ""))
            if f"top1:{spec}" in clean:
                ax.axhline(100 * clean[f"top1:{spec}"], color=color, linestyle="--", linewidth=0.8)
        xlabel = "bits per pixel" if rated else get_distortion(family).unit
        ax.set(xlabel=xlabel, ylabel="top-1 (%)", title=f"{family} (dashed: undistorted)", ylim=(0, 100))
        written.append(_save(fig, ax, out / f"robustness_{family}.png", legend_size=7))
    return written
