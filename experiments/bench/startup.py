"""Wall time of the commands a user runs once per file: median and best of several fresh processes.

    python experiments/bench/startup.py ../shared/data/kodak/kodim01.png > experiments/bench/startup.txt

Each command runs ``--runs`` times (default 5) in a new process, as a shell would start it, so the
figures include every import. Run it on an otherwise idle machine. ``import torch`` is the floor
of every command that touches a network.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.machine()


def wall(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=Path, help="A photo to encode and decode (e.g. a Kodak PNG).")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    odic = shutil.which("odic") or sys.exit("odic is not on PATH")
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        coded, decoded = f"{tmp}/a.odic", f"{tmp}/a.png"
        subprocess.run([odic, "encode", str(args.image), "-o", coded], check=True, capture_output=True)
        commands = {
            "odic --help": [odic, "--help"],
            "odic --version": [odic, "--version"],
            "odic info FILE": [odic, "info", coded],
            "odic models": [odic, "models"],
            "python -c 'import odic'": [python, "-c", "import odic"],
            "python -c 'import torch' (floor)": [python, "-c", "import torch"],
            f"odic encode {args.image.name}": [odic, "encode", str(args.image), "-o", coded, "--force"],
            "odic decode FILE": [odic, "decode", coded, "-o", decoded, "--force"],
        }
        print(f"# {cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{args.runs} runs each, seconds of wall time")
        print(f"{'command':40s} {'median':>7s} {'best':>7s}")
        for name, command in commands.items():
            times = wall(command, args.runs)
            print(f"{name:40s} {statistics.median(times):7.2f} {min(times):7.2f}", flush=True)


if __name__ == "__main__":
    main()
