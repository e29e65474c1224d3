"""Peak memory and time of one encode and one decode, by image size: what tiling bounds.

    python experiments/bench/memory.py 4 16 64 > experiments/bench/memory.txt

For each size (megapixels) a photo (kodim23, enlarged) is encoded and decoded by the CLI, each
in a fresh process; GNU time reports its peak RSS and wall time. Run it on an otherwise idle
machine (`/usr/bin/time` is Debian's `time` package).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

KODIM23 = Path(__file__).resolve().parents[3] / "shared" / "data" / "kodak" / "kodim23.png"


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS GB) of ``command``, measured by GNU time in its own process."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command], check=True, capture_output=True, text=True)
    seconds, kilobytes = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("megapixels", type=float, nargs="+", help="Image sizes, increasing.")
    args = parser.parse_args()
    odic = shutil.which("odic") or "odic"
    print(f"{'MP':>5s} {'encode s':>9s} {'encode GB':>10s} {'decode s':>9s} {'decode GB':>10s}")
    with tempfile.TemporaryDirectory() as tmp:
        for mp in args.megapixels:
            source = Image.open(KODIM23)
            scale = (mp * 1e6 / (source.width * source.height)) ** 0.5
            size = (int(source.width * scale), int(source.height * scale))  # within the default pixel limit
            path = Path(tmp) / "photo.png"
            source.resize(size, Image.Resampling.BICUBIC).save(path, compress_level=1)
            enc = run([odic, "encode", str(path), "-o", f"{tmp}/photo.odic", "--force"])
            dec = run([odic, "decode", f"{tmp}/photo.odic", "-o", f"{tmp}/out.png", "--force"])
            print(f"{size[0] * size[1] / 1e6:5.1f} {enc[0]:9.1f} {enc[1]:10.2f} {dec[0]:9.1f} {dec[1]:10.2f}", flush=True)


if __name__ == "__main__":
    main()
