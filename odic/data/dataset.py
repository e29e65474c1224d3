"""Compressing whole image collections: resumable, parallel, safe to kill at any moment.

Write order for each image: the compressed bytes go to a temporary file, then
one line is appended to ``manifest.jsonl``, then the temporary file is renamed
into place. So after a kill:

- a file on disk under its final name is complete and has its manifest line —
  a rerun never encodes it again;
- a manifest line whose file is missing (killed before the rename) is redone;
- leftover ``*.part`` temporaries are removed.

When the run completes, the manifest is rewritten once, one line per file in
sorted order. Only the main process writes; workers just compress.

A file counts as done only if its manifest line names the same settings (codec, α,
quality, model id or target bpp) and the same source sha256 as this run would: a rerun with
other settings, or after a source changed, codes it again instead of keeping a stale file.
Manifest paths are relative POSIX paths inside the tree, checked on every read, so a
crafted manifest cannot make a reader or writer leave the tree.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from odic import api, codecs
from odic.codec import zoo
from odic.codec.bitstream import bits_per_pixel
from odic.codec.image import load_image
from odic.data.engines import ENGINES
from odic.data.files import find_images
from odic.errors import OdicError
from odic.fsutil import atomic_write_bytes

MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class Settings:
    """What to compress with: a codec of :mod:`odic.codecs` ("odic" with α, or a classical one) at
    a quality setting or a target bpp (neither: the codec's middle setting)."""

    codec: str = "odic"
    alpha: float = 0.0
    quality: float | None = None
    target_bpp: float | None = None

    @property
    def image_codec(self) -> codecs.ImageCodec:
        return codecs.get(self.codec, self.alpha)


@dataclass
class Summary:
    files: int = 0
    skipped: int = 0
    source_bytes: int = 0
    bytes: int = 0
    pixels: int = 0
    seconds: float = 0.0
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def mean_bpp(self) -> float:
        return bits_per_pixel(self.bytes, self.pixels)

    @property
    def ratio(self) -> float:
        return self.source_bytes / self.bytes if self.bytes else 0.0


def _wanted(settings: Settings) -> dict:
    """The manifest fields that say a file was coded with ``settings``."""
    return {"codec": settings.codec, **settings.image_codec.stamp(settings.quality, settings.target_bpp)}


def _compress_one(source: Path, settings: Settings) -> tuple[bytes, dict]:
    """Compress one file (runs in a worker); returns the bytes and the manifest fields."""
    raw = source.read_bytes()
    image = load_image(raw)
    codec = settings.image_codec
    coded = (codec.encode(image, settings.quality) if settings.target_bpp is None
             else codec.encode_to_bpp(image, settings.target_bpp))
    data = coded.data
    details = {**_wanted(settings), "setting": coded.setting}
    return data, {
        "source_sha256": hashlib.sha256(raw).hexdigest(), "source_bytes": len(raw), "bytes": len(data),
        "bpp": round(bits_per_pixel(len(data), image.height * image.width), 5), "height": image.height,
        "width": image.width, "codec": settings.codec, **details,
    }


def _worker(args: tuple[Path, Settings]) -> tuple[bytes | None, dict]:
    source, settings = args
    try:
        return _compress_one(source, settings)
    except (OdicError, OSError) as e:
        return None, {"error": str(e)}


def inside(root: Path, relative: object) -> Path:
    """``root / relative`` for a manifest path that stays inside ``root``; OdicError otherwise."""
    path = PurePosixPath(relative) if isinstance(relative, str) else None
    if path is None or path.is_absolute() or ".." in path.parts or str(path) in ("", ".") or "\\" in str(path):
        raise OdicError(f"{root / MANIFEST}: path {relative!r} is not a relative path inside the tree")
    return root / path


def read_manifest(root: Path) -> dict[str, dict]:
    """The manifest's entries by source path, each path checked to stay inside ``root``."""
    path = root / MANIFEST
    if not path.exists():
        return {}
    entries = {}
    for line in path.read_bytes().split(b"\n"):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # empty, or cut by a kill
        if not isinstance(entry, dict) or not {"path", "file"} <= entry.keys():
            raise OdicError(f"{path}: a line is not a manifest entry")
        inside(root, entry["path"])
        inside(root, entry["file"])
        entries[entry["path"]] = entry
    return entries


def _complete(dst: Path, entry: dict | None, out_rel: str, wanted: dict | None = None,
              source_sha256: str | None = None) -> bool:
    """Whether ``out_rel`` holds the whole file of ``entry``, coded as ``wanted`` from that source."""
    target = dst / out_rel
    if entry is None or entry["file"] != out_rel or not target.exists() or target.stat().st_size != entry["bytes"]:
        return False
    if source_sha256 is not None and entry.get("source_sha256") != source_sha256:
        return False
    return wanted is None or all(entry.get(k) == v for k, v in wanted.items())



def compress_dataset(
    src: Path,
    dst: Path,
    *,
    codec: str = "odic",
    alpha: float = 0.0,
    quality: float | None = None,
    target_bpp: float | None = None,
    workers: int = 1,
    engine: str = "local",
    progress: bool = False,
) -> Summary:
    """Compress every image under ``src`` into a mirrored tree under ``dst`` (see module docstring)."""
    src, dst = Path(src), Path(dst)
    if engine not in ENGINES:
        raise OdicError(f"unknown engine {engine!r} (available: {', '.join(ENGINES)})")
    api.check_rate(quality, target_bpp)
    settings = Settings(codec, alpha, quality, target_bpp)
    suffix, wanted = settings.image_codec.suffix, _wanted(settings)
    sources = find_images(src)
    relative = [(source.relative_to(src).as_posix(), source) for source in sources]
    planned = [(rel, Path(rel).with_suffix(suffix).as_posix(), source) for rel, source in relative]
    first: dict[str, str] = {}
    for rel, out_rel, _ in planned:
        if out_rel in first:
            raise OdicError(f"{src / first[out_rel]} and {src / rel} would both be written to {dst / out_rel}")
        first[out_rel] = rel
    dst.mkdir(parents=True, exist_ok=True)
    for stale in dst.rglob("*.part"):
        stale.unlink()
    done = read_manifest(dst)
    start, summary = time.perf_counter(), Summary()
    todo = []
    for rel, out_rel, source in planned:
        if _complete(dst, done.get(rel), out_rel, wanted, zoo.sha256_file(source)):
            summary.skipped += 1
        else:
            todo.append((rel, out_rel, source))
    columns = [TextColumn("compress"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
               TimeRemainingColumn()]
    with open(dst / MANIFEST, "ab") as manifest, Progress(*columns, disable=not progress) as bar:
        task = bar.add_task("compress", total=len(todo), rate="")
        results = ENGINES[engine](_worker, [(source, settings) for _, _, source in todo], workers)
        for (rel, out_rel, _), (data, fields) in zip(todo, results):
            bar.advance(task)
            speed = bar.tasks[0].speed
            bar.update(task, rate="" if speed is None else f"{speed:.1f} img/s")
            if data is None:
                summary.failed.append((rel, fields["error"]))
                continue
            target = dst / out_rel
            target.parent.mkdir(parents=True, exist_ok=True)
            part = target.with_name(target.name + ".part")
            part.write_bytes(data)
            manifest.write(json.dumps({"path": rel, "file": out_rel, **fields}).encode() + b"\n")
            manifest.flush()
            os.fsync(manifest.fileno())
            os.replace(part, target)
    entries = read_manifest(dst)
    lines = [json.dumps(entries[k]) for k in sorted(entries) if _complete(dst, entries[k], entries[k]["file"])]
    atomic_write_bytes(dst / MANIFEST, ("\n".join(lines) + "\n").encode() if lines else b"")
    for line in lines:
        entry = json.loads(line)
        summary.files += 1
        summary.source_bytes += entry["source_bytes"]
        summary.bytes += entry["bytes"]
        summary.pixels += entry["height"] * entry["width"]
    summary.seconds = time.perf_counter() - start
    return summary


def decompress_dataset(src: Path, dst: Path, fmt: str = "PNG") -> Summary:
    """Decode every file listed in ``src/manifest.jsonl`` into a mirrored tree of images."""
    summary, start = Summary(), time.perf_counter()
    for rel, entry in sorted(read_manifest(Path(src)).items()):
        data = inside(Path(src), entry["file"]).read_bytes()
        picture = codecs.get(entry["codec"]).decode(data)
        buffer = io.BytesIO()
        picture.save(buffer, format=fmt)
        target = inside(Path(dst), PurePosixPath(rel).with_suffix("." + fmt.lower()).as_posix())
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, buffer.getvalue())
        summary.files += 1
        summary.bytes += len(data)
        summary.pixels += picture.width * picture.height
    summary.seconds = time.perf_counter() - start
    return summary


def summary_dict(summary: Summary) -> dict:
    return {**asdict(summary), "mean_bpp": round(summary.mean_bpp, 4), "compression_ratio": round(summary.ratio, 2)}

