"""``docs/results.md``, written from the committed experiment folders and never edited by hand.

Each folder under ``experiments/`` that holds results (CSV tables, text outputs, ``bd_rate.json``,
plots) becomes one section: its README's first heading and paragraph, every table, every text
output, the BD-rate table and every plot. The figures in the document are therefore exactly the
committed ones, and re-running ``bash experiments/results.sh`` (sweeps, then ``odic lab report``)
regenerates all of it.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Sequence
from pathlib import Path

from odic import codecs
from odic.eval.plots import metric_label
from odic.eval.sweep import bd_table, read_summary

#: Sections first in this order, then any other result folder alphabetically.
ORDER = ("kodak", "imagenet", "imagenet-224", "tradeoff", "robustness", "bench")
DIGITS = {"bpp": 3, "psnr": 2, "msssim": 4}


def _cell(column: str, value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return value
    kind = column.split(":", 1)[0]
    if kind in ("top1", "top5"):
        return f"{100 * number:.1f}"
    return f"{number:.{DIGITS[kind]}f}" if kind in DIGITS else value


def _header(column: str) -> str:
    label = metric_label(column)
    return f"{label} (%)" if column.startswith(("top1:", "top5:")) else label


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def csv_table(path: Path) -> str:
    """A summary CSV as markdown: accuracies in %, fixed decimals, top-5 columns left out.

    A mean PSNR is infinite when one image's pixels come back identical (the undistorted original,
    or JPEG re-encoding an image saved with its own tables); such cells show "–" and a note says why.
    """
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = [c for c in rows[0] if not c.startswith("top5:")] if rows else []
    infinite = [f"{r.get('codec', '')} {r.get('setting', '')}".strip() for r in rows
                if any(r[c] in ("inf", "-inf") for c in columns)]
    table = markdown_table([_header(c) for c in columns],
                           [["–" if r[c] in ("inf", "-inf") else _cell(c, r[c]) for c in columns] for r in rows])
    if infinite:
        table += ("\n\n–: infinite mean PSNR (" + ", ".join(infinite) + "): at least one image came back with "
                  "identical pixels, so its error is 0; the row's other figures hold.")
    return table


def rate_range_table(path: Path) -> str:
    """Lowest and highest mean bpp each codec reached in a sweep: where its curve starts and ends.

    Why: BD-rates only compare where curves overlap, and some encoders cannot go below a floor
    (libjxl's maximum distance, libwebp at quality 0), so the covered range is shown beside them.
    """
    with open(path, newline="") as f:  # a distortion (blur, noise, …) has no rate: its bpp is empty
        rows = [r for r in csv.DictReader(f) if r.get("codec") and r.get("bpp")]
    rates: dict[str, list[float]] = {}
    for r in rows:
        rates.setdefault(r["codec"], []).append(float(r["bpp"]))
    if not rates:
        return ""
    table = [[codec, str(len(v)), f"{min(v):.3f}", f"{max(v):.3f}"] for codec, v in rates.items()]
    return "Rate range reached (mean bpp of the lowest and highest setting):\n\n" + markdown_table(
        ["codec", "settings", "lowest bpp", "highest bpp"], table)


#: What each odic operating point is compared with at its own rate: the α = 0 network (α > 0 has
#: to beat it for machine observers), AVIF (what a user would pick today) and the classical codecs.
EQUAL_RATE_REFERENCES = ("odic:0", "avif", "jpeg", "webp", "webp-half")
#: The codec every odic network is measured against in its own BD-rate table, over the whole common
#: range and over the rates where odic's targets are set.
RIVAL = "avif"
RIVAL_RATES = (0.1, 0.5)


def at_rate(points: list[tuple[float, float]], bpp: float) -> float | None:
    """A (bpp, value) curve at ``bpp``, joining its points linearly in log-rate; None outside its range.

    Why log-rate: quality grows about linearly in log-rate (as BD-rates assume), so a chord in
    linear rate runs far below the curve between sparse points and favours whichever codec is not
    interpolated (by up to 0.3 dB between odic's qualities).
    """
    points = sorted(points)
    for (b0, v0), (b1, v1) in zip(points, points[1:]):
        if b0 <= bpp <= b1:
            return v0 + (v1 - v0) * math.log(bpp / b0) / math.log(b1 / b0) if b1 > b0 else v0
    return None


def equal_rate_table(path: Path) -> str:
    """Every odic operating point beside α = 0, JPEG, WebP and half-size WebP interpolated to its bpp.

    Why: issue-style targets ("above JPEG and WebP at equal bpp at every shipped rate") are about
    single points, which neither BD-rates (averages over an overlap) nor plots state exactly.
    "–" where a codec's curve does not reach that rate (or is the point's own).
    """
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    metrics = [c for c in (rows[0] if rows else {}) if c == "msssim" or c.startswith("top1:")]
    curves = {(codec, m): [(float(r["bpp"]), float(r[m])) for r in rows if r["codec"] == codec and r[m]]
              for codec in EQUAL_RATE_REFERENCES for m in metrics}
    ours = [r for r in rows if codecs.is_learned(r["codec"])]
    if not ours or not metrics:
        return ""
    header = ["odic", "bpp"] + [f"{metric_label(m)}: {name}" for m in metrics
                                for name in ("odic", *EQUAL_RATE_REFERENCES)]
    table = []
    for r in ours:
        bpp = float(r["bpp"])
        cells = [f"{r['codec']} {r['setting']}", f"{bpp:.3f}"]
        for m in metrics:
            cells.append(f"**{_cell(m, r[m])}**")
            for name in EQUAL_RATE_REFERENCES:
                value = None if name == r["codec"] else at_rate(curves[(name, m)], bpp)
                cells.append("–" if value is None else _cell(m, str(value)))
        table.append(cells)
    return ("Each odic operating point against the α = 0 network and the classical codecs interpolated "
            "(linearly in log-rate) to its rate:\n\n" + markdown_table(header, table))


def rival_bd_table(path: Path) -> str:
    """BD-rate of every odic network against AVIF for each metric, over the common range and over
    ``RIVAL_RATES``; empty where the sweep has no AVIF rows."""
    rows = [r for r in read_summary(path) if r["bpp"] is not None]
    if not any(r["codec"] == RIVAL for r in rows) or not any(codecs.is_learned(r["codec"]) for r in rows):
        return ""
    metrics = [c for c in rows[0] if c in ("psnr", "msssim") or c.startswith("top1:")]
    ranges: list[tuple[float, float] | None] = [None, RIVAL_RATES]
    header = ["codec"] + [f"{metric_label(m)}, {'all' if r is None else f'{r[0]}–{r[1]} bpp'}"
                          for m in metrics for r in ranges]
    table = []
    for codec in sorted({r["codec"] for r in rows if codecs.is_learned(r["codec"])}):
        cells = [codec]
        for m in metrics:
            for r in ranges:
                value = bd_table(rows, RIVAL, [m], codecs=[codec], rates=r)[0][m]
                cells.append(f"{value:+.1f}" if value == value else "n/a")
        table.append(cells)
    return (f"BD-rate of each odic network against **{RIVAL}** (%; negative = odic needs fewer bits; MS-SSIM "
            f"in dB), over the whole range both curves cover and over {RIVAL_RATES[0]}–{RIVAL_RATES[1]} bpp:\n\n"
            + markdown_table(header, table))


def bd_rate_table(path: Path) -> str:
    data = json.loads(path.read_text())
    metrics = [k for k in data["rows"][0] if k != "codec"] if data["rows"] else []
    rows = [[r["codec"], *(f"{r[m]:+.1f}" if r[m] == r[m] else "n/a" for m in metrics)] for r in data["rows"]]
    return (f"BD-rate against **{data['reference']}** (%; negative = fewer bits for the same quality or accuracy; "
            "n/a where the curves do not overlap):\n\n" + markdown_table(["codec", *map(metric_label, metrics)], rows))


def _intro(folder: Path) -> tuple[str, str]:
    """First heading and first paragraph of the folder's README."""
    readme = folder / "README.md"
    if not readme.exists():
        return folder.name, ""
    blocks = readme.read_text().split("\n\n")
    title = blocks[0].lstrip("# ").strip()
    paragraph = next((b for b in blocks[1:] if not b.startswith(("```", "#", "!", "|"))), "")
    return title, paragraph.strip()


def section(folder: Path, doc_dir: Path) -> str:
    title, intro = _intro(folder)
    link = os.path.relpath(folder, doc_dir)
    parts = [f"## {title}", intro, f"Commands and notes: [`{folder.name}/README.md`]({link}/README.md)."]
    parts += [csv_table(p) for p in sorted(folder.glob("*.csv"))]
    if (folder / "summary.csv").exists():
        parts.append(rate_range_table(folder / "summary.csv"))
        parts.append(equal_rate_table(folder / "summary.csv"))
        parts.append(rival_bd_table(folder / "summary.csv"))
    parts += [f"`{p.name}`:\n\n```text\n{p.read_text().rstrip()}\n```" for p in sorted(folder.glob("*.txt"))]
    if (folder / "bd_rate.json").exists():
        parts.append(bd_rate_table(folder / "bd_rate.json"))
    parts += [f"![{p.stem}]({link}/{p.name})" for p in sorted(folder.glob("*.png"))]
    return "\n\n".join(p for p in parts if p)


def result_folders(experiments: Path, only: Sequence[str] | None = None) -> list[Path]:
    found = [d for d in experiments.iterdir() if d.is_dir() and (any(d.glob("*.csv")) or any(d.glob("*.txt")))]
    found = [d for d in found if only is None or d.name in only]
    return sorted(found, key=lambda d: (ORDER.index(d.name) if d.name in ORDER else len(ORDER), d.name))


#: The first screen of the document: for each observer, the sweep that judges it and its metrics
#: (None: every top-1 column), each codec's BD-rate against these anchors.
SUMMARY = (("People (Kodak, 24 photos)", "kodak", ("msssim", "psnr")),
           ("Machines (imagenet, 125 images; classifiers odic never trained with)", "imagenet", None))
ANCHORS = ("avif", "jpeg")


def summary(experiments: Path, only: Sequence[str] | None = None) -> str:
    """Per observer, every codec's BD-rate against AVIF and JPEG, and a sentence on odic's place;
    empty where ``only`` names none of the sweeps it reads (a report of the studies)."""
    observers = [s for s in SUMMARY if only is None or s[1] in only]
    if not observers:
        return ""
    parts = ["## Summary", "Each cell: the BD-rate (%) of the codec against AVIF (what a user would pick today) / "
             "against JPEG, i.e. the bits it needs for the same quality (people) or top-1 accuracy (machines); "
             "negative = fewer bits. MS-SSIM in dB; n/a where the curves do not overlap. Details follow below."]
    for title, folder, wanted in observers:
        path = experiments / folder / "summary.csv"
        if not path.exists():
            continue
        rows = [r for r in read_summary(path) if r["bpp"] is not None]
        metrics = list(wanted or [c for c in rows[0] if c.startswith("top1:")])
        names = sorted({r["codec"] for r in rows}, key=lambda c: (not codecs.is_learned(c), c))
        bd = {(anchor, m): {e["codec"]: e[m] for e in bd_table(rows, anchor, [m])} for anchor in ANCHORS
              for m in metrics}
        header = ["codec"] + [metric_label(m).removeprefix("top-1 ") for m in metrics]
        table = [[c] + [_against_anchors(bd, c, m) for m in metrics] for c in names]
        parts += [f"**{title}**", markdown_table(header, table), _standing(bd, metrics, names)]
    return "\n\n".join(parts)


def _against_anchors(bd: dict, codec: str, metric: str) -> str:
    """"+46 / -13": the codec's BD-rate against each anchor ("–" against itself)."""
    values = [bd[a, metric].get(codec, float("nan")) for a in ANCHORS]
    return " / ".join("–" if codec == a else f"{v:+.0f}" if v == v else "n/a" for a, v in zip(ANCHORS, values))


def _standing(bd: dict, metrics: Sequence[str], names: Sequence[str]) -> str:
    """One sentence per odic network: its range of BD-rates against each anchor, and on how many
    of the measures it is ahead (needs fewer bits)."""
    sentences = []
    for codec in (c for c in names if codecs.is_learned(c)):
        clauses = []
        for anchor in ANCHORS:
            values = [bd[anchor, m][codec] for m in metrics if bd[anchor, m][codec] == bd[anchor, m][codec]]
            if values:
                span = f"{min(values):+.0f} to {max(values):+.0f} %" if len(values) > 1 else f"{values[0]:+.0f} %"
                ahead = sum(v < 0 for v in values)
                clauses.append(f"{span} against {anchor.upper()} (ahead on {ahead} of {len(values)})")
        if clauses:
            sentences.append(f"{codec} needs " + " and ".join(clauses) + ".")
    return " ".join(sentences)


def redraw_rate_curves(experiments: Path, only: Sequence[str] | None = None) -> list[Path]:
    """Every sweep folder's ``*_vs_bpp.png`` drawn again from its ``summary.csv``.

    Why: a sweep draws its plots when it runs, so folders measured in different sessions would
    otherwise show different styles; the summary holds everything a rate curve needs.
    """
    from odic.eval import plots

    written = []
    for folder in result_folders(experiments, only):
        path = folder / "summary.csv"
        if not path.exists() or not any(folder.glob("*_vs_bpp.png")):
            continue
        rows = [r for r in read_summary(path) if r["bpp"] is not None]
        metrics = [c for c in rows[0] if c in ("psnr", "msssim") or c.startswith("top1:")] if rows else []
        written += plots.rate_curves(rows, metrics, folder)
    return written


def write_report(experiments: Path, out: Path, only: Sequence[str] | None = None, title: str = "Results",
                 command: str = "bash experiments/results.sh") -> Path:
    header = (f"# {title}\n\nGenerated by `{command}` (its last step, `odic lab report`, writes this file from the "
              "committed folders under `experiments/`); do not edit by hand. Protocol: [evaluation.md](evaluation.md).")
    body = [section(folder, out.parent) for folder in result_folders(experiments, only)]
    out.write_text("\n\n".join(p for p in [header, summary(experiments, only), *body] if p) + "\n")
    return out
