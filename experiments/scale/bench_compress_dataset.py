"""Throughput of compress_dataset: images/s with 1 and 2 local workers and with the Ray engine.

A benchmark, not a test. Uses the first LIMIT images of imagenet-1000 (a
temporary tree of symlinks, so every run starts from nothing) and the default
odic model; prints JSON with images/s and the ratio to one process.

    python experiments/scale/bench_compress_dataset.py [LIMIT] > experiments/scale/result.json
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import odic
from odic.data.files import find_images

IMAGENET = Path(__file__).resolve().parents[3] / "shared" / "data" / "imagenet-1000"


def main(limit: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for path in find_images(IMAGENET)[:limit]:
            (src / path.name).symlink_to(path)
        runs = {}
        for label, engine, workers in (("local, 1 process", "local", 1), ("local, 2 workers", "local", 2),
                                       ("ray, local instance", "ray", 2)):
            start = time.perf_counter()
            summary = odic.compress_dataset(src, Path(tmp) / label.replace(" ", "_"), engine=engine, workers=workers)
            seconds = time.perf_counter() - start
            runs[label] = {"images": summary.files, "seconds": round(seconds, 1),
                           "images_per_s": round(summary.files / seconds, 3)}
        base = runs["local, 1 process"]["images_per_s"]
        for run in runs.values():
            run["ratio_to_one_process"] = round(run["images_per_s"] / base, 2)
    return {"images": limit, "model": "default α = 0 model", "runs": runs}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100), indent=2))
