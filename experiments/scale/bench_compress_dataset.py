"""Throughput of compress_dataset: images/s with 1 and 2 local workers and with the Ray engine.

A benchmark, not a test. Uses the first LIMIT images of FOLDER (default imagenet-1000; a
temporary tree of symlinks, so every run starts from nothing) and the default odic model;
prints JSON with images/s and the ratio to one process. Each run is a fresh interpreter, as a
user's script would be, so worker start-up counts as it does for them.

    python experiments/scale/bench_compress_dataset.py [LIMIT] [FOLDER] > experiments/scale/result.json
    python experiments/scale/bench_compress_dataset.py 20 ../shared/data/kodak --no-ray > experiments/scale/kodak-20.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from odic.data.files import find_images

IMAGENET = Path(__file__).resolve().parents[3] / "shared" / "data" / "imagenet-1000"
#: One run as a user's script: a fresh interpreter that imports odic and compresses the tree.
RUN = """
import sys, odic
if __name__ == "__main__":
    odic.compress_dataset(sys.argv[1], sys.argv[2], engine=sys.argv[3], workers=int(sys.argv[4]))
"""


def main(limit: int, folder: Path, ray: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for path in find_images(folder)[:limit]:
            (src / path.name).symlink_to(path.resolve())
        runs = {}
        settings = [("local, 1 process", "local", 1), ("local, 2 workers", "local", 2)]
        for label, engine, workers in settings + ([("ray, local instance", "ray", 2)] if ray else []):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", RUN, str(src), str(Path(tmp) / label.replace(" ", "_")), engine,
                            str(workers)], check=True)
            seconds = time.perf_counter() - start
            runs[label] = {"images": limit, "seconds": round(seconds, 1), "images_per_s": round(limit / seconds, 3)}
        base = runs["local, 1 process"]["images_per_s"]
        for run in runs.values():
            run["ratio_to_one_process"] = round(run["images_per_s"] / base, 2)
    return {"images": limit, "folder": folder.name, "model": "default α = 0 model",
            "note": "wall time of a fresh interpreter per run, imports and worker start-up included", "runs": runs}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("limit", type=int, nargs="?", default=100)
    parser.add_argument("folder", type=Path, nargs="?", default=IMAGENET)
    parser.add_argument("--no-ray", dest="ray", action="store_false", help="Leave out the Ray engine.")
    args = parser.parse_args()
    print(json.dumps(main(args.limit, args.folder, args.ray), indent=2))
