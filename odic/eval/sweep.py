"""Rate–distortion–accuracy sweeps: every image × codec × setting, cached and resumable.

Protocol (docs/evaluation.md): each image is compressed at its native
resolution and bpp counts its native pixels; the decoded image then goes
through each observer's own eval preprocessing. One JSON line per
(image, codec, setting) is appended to ``records.jsonl`` as soon as it is
computed, so an interrupted sweep resumes where it stopped; the summary CSV,
plots and BD-rate table are derived from those records in a fixed order.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from PIL import Image
from rich.progress import track

from odic.baselines import encode_at_bpp, get_codec
from odic.codec import zoo
from odic.codec.image import load_image
from odic.data import engines
from odic.eval.accuracy import Labelled
from odic.eval.bjontegaard import bd_rate, msssim_db
from odic.eval.metrics import bits_per_pixel, msssim_uint8, psnr

RECORDS = "records.jsonl"
SUMMARY = "summary.csv"


@dataclass(frozen=True)
class Job:
    """One cell of the sweep: an image, a codec and its setting."""

    image: Path
    label: Optional[int]
    codec: str  # "jpeg", "webp", … or "odic:<alpha>"
    setting: float  # target bpp for classical codecs, quality index for odic

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.image.name, self.codec, f"{self.setting:g}")


def plan(items: Sequence[Labelled], codecs: Sequence[str], rates: Sequence[float]) -> list[Job]:
    """All jobs in a deterministic order; odic codecs use every installed quality."""
    jobs = []
    for codec in codecs:
        if codec.startswith("odic:"):
            alpha = float(codec.split(":", 1)[1])
            settings = [float(c.quality) for c in zoo.available() if abs(c.alpha - alpha) < 0.005]
        else:
            get_codec(codec)  # fail early on an unknown name
            settings = list(rates)
        jobs += [Job(item.path, item.label, codec, s) for item in items for s in settings]
    return jobs


_OBSERVERS: dict[str, object] = {}


def _encode(job: Job, rgb: np.ndarray) -> tuple[bytes, np.ndarray]:
    if job.codec.startswith("odic:"):
        codec = zoo.load(zoo.find(float(job.codec.split(":", 1)[1]), int(job.setting)))
        encoded = codec.encode_image(load_image(rgb))
        return encoded.data, encoded.reconstruction
    baseline = get_codec(job.codec)
    result = encode_at_bpp(baseline, Image.fromarray(rgb), job.setting)
    return result.data, np.asarray(baseline.decode(result.data))


def evaluate(job: Job, observers: Sequence[str]) -> dict:
    """Compress, decode, measure and classify one image (runs in a worker process)."""
    from odic.observers import create_evaluator

    rgb = load_image(job.image).rgb
    data, decoded = _encode(job, rgb)
    record = {
        "image": job.image.name, "codec": job.codec, "setting": f"{job.setting:g}", "label": job.label,
        "height": rgb.shape[0], "width": rgb.shape[1], "bytes": len(data),
        "bpp": bits_per_pixel(len(data), rgb.shape[0], rgb.shape[1]),
        "psnr": psnr(rgb, decoded), "msssim": msssim_uint8(rgb, decoded) if min(rgb.shape[:2]) >= 11 else None,
    }
    picture = Image.fromarray(decoded)
    for spec in observers:
        if spec not in _OBSERVERS:
            _OBSERVERS[spec] = create_evaluator(spec)
        top5 = _OBSERVERS[spec].classify([picture]).topk(5, dim=1).indices[0].tolist()  # type: ignore[attr-defined]
        record[f"top5:{spec}"] = top5
    return record


def _done(out: Path) -> set[tuple[str, str, str]]:
    """Keys already computed; a last line cut by a kill is removed (and recomputed)."""
    path = out / RECORDS
    if not path.exists():
        return set()
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)
    return {(r["image"], r["codec"], r["setting"]) for r in _records(out)}


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / RECORDS).read_text().splitlines() if line]


def run(jobs: Sequence[Job], observers: Sequence[str], out: Path, workers: int = 1, progress: bool = True) -> Path:
    """Compute every job not already in ``out/records.jsonl``; returns that file."""
    out.mkdir(parents=True, exist_ok=True)
    done = _done(out)
    todo = [j for j in jobs if j.key not in done]
    with open(out / RECORDS, "a") as sink:
        results = engines.local(partial(evaluate, observers=observers), todo, workers)
        for record in track(results, total=len(todo), description="sweep", disable=not progress):
            sink.write(json.dumps(record) + "\n")
            sink.flush()
    return out / RECORDS


def summarize(out: Path, observers: Sequence[str]) -> list[dict]:
    """Mean bpp / PSNR / MS-SSIM / top-1 / top-5 per (codec, setting) → ``summary.csv``."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in _records(out):
        groups[(r["codec"], r["setting"])].append(r)
    rows = []
    for (codec, setting), records in sorted(groups.items(), key=lambda kv: (kv[0][0], float(kv[0][1]))):
        row = {"codec": codec, "setting": setting, "images": len(records),
               "bpp": np.mean([r["bpp"] for r in records]), "psnr": np.mean([r["psnr"] for r in records]),
               "msssim": np.mean([r["msssim"] for r in records if r["msssim"] is not None])}
        for spec in observers:
            labelled = [r for r in records if r["label"] is not None and f"top5:{spec}" in r]
            if labelled:
                row[f"top1:{spec}"] = np.mean([r[f"top5:{spec}"][0] == r["label"] for r in labelled])
                row[f"top5:{spec}"] = np.mean([r["label"] in r[f"top5:{spec}"] for r in labelled])
        rows.append({k: (round(float(v), 5) if isinstance(v, (float, np.floating)) else v) for k, v in row.items()})
    with open(out / SUMMARY, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def bd_table(rows: Sequence[dict], reference: str, metrics: Sequence[str]) -> list[dict]:
    """BD-rate (%) of every codec against ``reference`` for each quality metric."""
    by_codec: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_codec[row["codec"]].append(row)

    def curve(codec: str, metric: str) -> tuple[list[float], list[float]]:
        points = [r for r in by_codec[codec] if r.get(metric) is not None]
        quality = [msssim_db(r[metric]) if metric == "msssim" else r[metric] for r in points]
        return [r["bpp"] for r in points], quality

    table = []
    for codec in sorted(by_codec):
        if codec == reference:
            continue
        entry = {"codec": codec}
        for metric in metrics:
            entry[metric] = round(bd_rate(*curve(reference, metric), *curve(codec, metric)), 2)
        table.append(entry)
    return table
