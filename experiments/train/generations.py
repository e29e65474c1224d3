"""The last validation of each run, side by side: bpp / PSNR / MS-SSIM / PSNR of the unquantised latent.

    python experiments/train/generations.py runs/queue/a0-e17b5974-{4,5,6}

Validation runs on fixed training crops at the end of a run (``odic lab train`` logs
``val_*_qN``), so generations of one chain compare on the same crops; the held-out photos of
experiments/selection choose what ships.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def last_validation(run: Path) -> dict[int, str]:
    """quality → "bpp / PSNR / MS-SSIM / unquantised PSNR" of the run's last validation."""
    rows = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines() if '"val_bpp_q' in line]
    if not rows:
        return {}
    row = rows[-1]
    qualities = sorted(int(m.group(1)) for k in row if (m := re.fullmatch(r"val_bpp_q(\d+)", k)))
    return {q: " / ".join(f"{row[f'val_{name}_q{q}']:.{digits}f}" for name, digits in
                          (("bpp", 3), ("psnr", 2), ("msssim", 3), ("psnr_unquantised", 2)))
            for q in qualities}


def main() -> None:
    runs = [Path(a) for a in sys.argv[1:]]
    tables = {run.name: last_validation(run) for run in runs}
    qualities = sorted({q for t in tables.values() for q in t})
    print("| quality | " + " | ".join(tables) + " |")
    print("|---" * (len(tables) + 1) + "|")
    for q in qualities:
        print(f"| {q} | " + " | ".join(t.get(q, "–") for t in tables.values()) + " |")


if __name__ == "__main__":
    main()
