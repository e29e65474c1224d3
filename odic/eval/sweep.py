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
import dataclasses
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
from PIL import Image
from rich.progress import track

from odic import codecs
from odic.codec.image import load_image, resize_shorter
from odic.data import engines
from odic.errors import OdicError
from odic.eval.accuracy import Labelled
from odic.eval.bjontegaard import bd_rate, msssim_db
from odic.eval.distortions import get_distortion, image_seed, is_distortion
from odic.metrics import measure

RECORDS = "records.jsonl"
SUMMARY = "summary.csv"


@dataclass(frozen=True)
class Job:
    """One cell of the sweep: an image, a codec and its setting."""

    image: Path
    label: int | None
    codec: str  # "jpeg", "webp", … or "odic:<alpha>"
    setting: float
    #: True: ``setting`` is a per-image target bpp, reached by searching the codec's quality;
    #: False: it is the codec's own quality setting (odic: its quality index), one encode.
    target_bpp: bool = False
    #: The ``--input-size`` protocol: resize and centre-crop to this side before compressing.
    input_size: int | None = None
    #: odic: the weights' sha256 prefix (and "/2" for a half-size quality), so records of replaced
    #: weights, or of a quality that changed how it codes, are never reused.
    model: str = ""

    @property
    def setting_name(self) -> str:
        """"0.25" for a target bpp, "q20" for a quality setting (the two never share a cache key)."""
        return f"{self.setting:g}" if self.target_bpp else f"q{self.setting:g}"

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.image.name, self.codec, self.setting_name, self.model)


def plan(items: Sequence[Labelled], codecs: Sequence[str], rates: Sequence[float] = (),
         input_size: int | None = None, qualities: Sequence[float] = ()) -> list[Job]:
    """All jobs in a deterministic order.

    Classical codecs run at each target bpp in ``rates`` or, without rates, at their quality
    ladder; odic codecs at the highest quality of their α whose file fits each target bpp or,
    without rates, at every installed quality. ``qualities``, when given, replace every codec's
    ladder (odic: shipped qualities or between; new weights for some qualities need only those
    measured again, see :func:`merge`); distortions
    (:mod:`odic.eval.distortions`) at each of their levels. ``CODEC+ENHANCER`` (e.g.
    ``jpeg+jpeg-recognition``) runs CODEC's jobs and passes each decoded image through an
    installed enhancer (:mod:`odic.enhance`).
    """
    return [job for codec in codecs for job in _codec_jobs(items, codec, rates, input_size, qualities)]


def _codec_jobs(items: Sequence[Labelled], name: str, rates: Sequence[float], input_size: int | None,
                qualities: Sequence[float] = ()) -> list[Job]:
    if is_distortion(name):
        return [Job(item.path, item.label, name, level, False, input_size)
                for item in items for level in get_distortion(name).levels]
    codec = codecs.get(name)  # fails early on an unknown name
    if rates:
        version = codec.version(None)
        return [Job(item.path, item.label, name, r, True, input_size, version) for item in items for r in rates]
    settings = sorted(float(q) for q in qualities) if qualities else codec.ladder()
    versions = {s: codec.version(s) for s in settings}  # once per setting: each reads the manifests
    return [Job(item.path, item.label, name, s, False, input_size, versions[s]) for item in items for s in settings]


T = TypeVar("T")


def spread(items: Sequence[T], k: int) -> list[T]:
    """``k`` items evenly spaced over ``items``: a subset that keeps the set's mix of classes
    (imagenet-1000 is sorted by class), unlike its first ``k``."""
    n = len(items)
    return list(items) if k >= n else [items[i * n // k] for i in range(k)]


_OBSERVERS: dict[str, object] = {}
_CODECS: dict[str, codecs.ImageCodec] = {}


def network_input(rgb: np.ndarray, size: int) -> np.ndarray:
    """Resize the shorter side to size / 0.875 (bicubic) and centre-crop size × size: what
    classifiers are fed, for comparison with papers that compress the network input."""
    resized = resize_shorter(rgb, round(size / 0.875))
    top, left = (resized.shape[0] - size) // 2, (resized.shape[1] - size) // 2
    return resized[top : top + size, left : left + size]


def compress(job: Job, rgb: np.ndarray) -> tuple[bytes | None, np.ndarray]:
    """(compressed bytes, decoded image) of one job's codec at its setting; a distortion has
    no bytes. odic at a target bpp codes at the highest quality of its α whose file fits."""
    if is_distortion(job.codec):
        return None, get_distortion(job.codec).apply(rgb, job.setting, image_seed(job.image.name))
    if job.codec not in _CODECS:  # one instance per process: an enhancer's network loads once
        _CODECS[job.codec] = codecs.get(job.codec)
    codec, image = _CODECS[job.codec], load_image(rgb)
    coded = (codec.encode_to_bpp(image, job.setting, decoded=True) if job.target_bpp
             else codec.encode(image, job.setting, decoded=True))
    assert coded.pixels is not None
    return coded.data, coded.pixels


def evaluate(job: Job, observers: Sequence[str]) -> dict:
    """Compress, decode, measure and classify one image (runs in a worker process)."""
    from odic.observers import create_evaluator

    # Pixels as stored, profile or not: the protocol every committed result was measured with.
    rgb = load_image(job.image, to_srgb=False).rgb
    if job.input_size:
        rgb = network_input(rgb, job.input_size)
    data, decoded = compress(job, rgb)
    record = {"image": job.image.name, "codec": job.codec, "setting": job.setting_name, "model": job.model,
              "label": job.label,
              "height": rgb.shape[0], "width": rgb.shape[1], **dataclasses.asdict(measure(rgb, data, decoded))}
    picture = Image.fromarray(decoded)
    for spec in observers:
        if spec not in _OBSERVERS:
            _OBSERVERS[spec] = create_evaluator(spec)
        top5 = _OBSERVERS[spec].classify([picture]).topk(5, dim=1).indices[0].tolist()  # type: ignore[attr-defined]
        record[f"top5:{spec}"] = top5
    return record


def _key(record: dict) -> tuple[str, str, str, str]:
    return (record["image"], record["codec"], record["setting"], record.get("model", ""))


def _done(out: Path) -> set[tuple[str, str, str, str]]:
    """Keys already computed; a last line cut by a kill is removed (and recomputed)."""
    path = out / RECORDS
    if not path.exists():
        return set()
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)
    return {_key(r) for r in _records(out)}


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


def summarize(out: Path, observers: Sequence[str], jobs: Sequence[Job] | None = None) -> list[dict]:
    """Mean bpp / PSNR / MS-SSIM / top-1 / top-5 per (codec, setting) → ``summary.csv``.

    With ``jobs``, only their records count: the cache may also hold other images or the
    records of weights since replaced.
    """
    wanted = {j.key for j in jobs} if jobs is not None else None
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in _records(out):
        if wanted is None or _key(r) in wanted:
            groups[(r["codec"], r["setting"])].append(r)
    rows = []
    for (codec, setting), records in groups.items():
        rates = [r["bpp"] for r in records if r["bpp"] is not None]
        row = {"codec": codec, "setting": setting, "images": len(records),
               "bpp": np.mean(rates) if rates else None, "psnr": np.mean([r["psnr"] for r in records]),
               "msssim": np.mean([r["msssim"] for r in records if r["msssim"] is not None])}
        for spec in observers:
            labelled = [r for r in records if r["label"] is not None and f"top5:{spec}" in r]
            if labelled:
                row[f"top1:{spec}"] = np.mean([r[f"top5:{spec}"][0] == r["label"] for r in labelled])
                row[f"top5:{spec}"] = np.mean([r["label"] in r[f"top5:{spec}"] for r in labelled])
        rows.append({k: (round(float(v), 5) if isinstance(v, (float, np.floating)) else v) for k, v in row.items()})
    rows.sort(key=_order)
    write_summary(out / SUMMARY, rows)
    return rows


def _order(row: dict) -> tuple[str, float, float]:
    """Summary order: by codec, then rate; distortions (no rate) by level."""
    return row["codec"], row["bpp"] or 0.0, float(row["setting"].lstrip("q"))


def write_summary(path: Path, rows: Sequence[dict]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        writer.writerows(rows)


def read_summary(path: Path) -> list[dict]:
    """``summary.csv`` rows with numbers as numbers (empty cells: None)."""
    def value(key: str, cell: str) -> object:
        if key in ("codec", "setting"):
            return cell
        return None if cell == "" else int(cell) if key == "images" else float(cell)

    with open(path, newline="") as f:
        return [{k: value(k, v) for k, v in row.items()} for row in csv.DictReader(f)]


def merge(rows: Sequence[dict], earlier: Path) -> list[dict]:
    """``rows`` in place of the same (codec, setting) rows of an earlier sweep's ``summary.csv``.

    Why: when new weights replace some qualities, only those need measuring again; every other
    row of a published sweep (hours of classical codecs and observers on a CPU) still holds. The
    two must have measured the same images with the same observers, which is checked as far as a
    summary shows it: the image count and the columns.
    """
    if not earlier.is_file():
        raise OdicError(f"--merge needs an earlier sweep's {SUMMARY}; {earlier} is not a file")
    old = read_summary(earlier)
    for row in rows if old else []:
        if row["images"] != old[0]["images"]:
            raise OdicError(f"{earlier} summarises {old[0]['images']} images, this sweep {row['images']}: not the "
                            "same images")
        if set(row) != set(old[0]):
            raise OdicError(f"{earlier} has columns {', '.join(old[0])}; this sweep {', '.join(row)}: not the same "
                            "observers")
    replaced = {(r["codec"], r["setting"]) for r in rows}
    kept = [r for r in old if (r["codec"], r["setting"]) not in replaced]
    return sorted([*kept, *rows], key=_order)


def bd_table(rows: Sequence[dict], reference: str, metrics: Sequence[str], codecs: Sequence[str] | None = None,
             rates: tuple[float, float] | None = None) -> list[dict]:
    """BD-rate (%) of every codec (or of ``codecs``) against ``reference`` for each quality metric,
    optionally over the qualities the reference reaches within ``rates`` (see :func:`bd_rate`)."""
    by_codec: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_codec[row["codec"]].append(row)

    def curve(codec: str, metric: str) -> tuple[list[float], list[float]]:
        # A setting's mean PSNR is inf when one image decodes identically (JPEG re-encoding an
        # image that was saved with the same tables): such a point has no place on a curve.
        points = [r for r in by_codec[codec] if r.get(metric) is not None and math.isfinite(r[metric])]
        quality = [msssim_db(r[metric]) if metric == "msssim" else r[metric] for r in points]
        return [r["bpp"] for r in points], quality

    table = []
    for codec in sorted(by_codec) if codecs is None else codecs:
        if codec == reference:
            continue
        entry: dict[str, str | float] = {"codec": codec}
        for metric in metrics:
            entry[metric] = round(bd_rate(*curve(reference, metric), *curve(codec, metric), rates=rates), 2)
        table.append(entry)
    return table
