"""The ledger of training time: every run's steps and wall time, kept in git because runs/ is not.

A session's runs vanish with its machine, but issue 22 counts the CPU hours spent on training
(a GPU hour as 20), and the manifest's lineage only records the runs that were shipped. Run this
at the end of every stretch of training; it adds each run under RUNS (default runs/queue) to
ledger.csv beside this file, or updates the run's row when it was continued:

    python experiments/train/ledger.py [RUNS]

and prints the totals. A run is identified by its directory name and the time it started.
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime, timezone
from pathlib import Path

import torch

LEDGER = Path(__file__).with_name("ledger.csv")
COLUMNS = ["run", "started", "alpha", "init_from", "steps", "wall_s", "device"]
#: A GPU second counts as this many CPU seconds (issue 22).
GPU_WEIGHT = 20


def read(path: Path = LEDGER) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def row(run: Path) -> dict:
    state = torch.load(run / "last.ckpt", map_location="cpu", weights_only=False)
    cfg = state["config"]
    started = state.get("started")  # runs begun before odic lab train recorded it have none
    when = datetime.fromtimestamp(started, timezone.utc).strftime("%Y-%m-%dT%H:%M") if started else ""
    return {"run": run.name, "started": when,
            "alpha": cfg["alpha"], "init_from": cfg["init_from"] or "", "steps": state["step"],
            "wall_s": round(state["wall"]), "device": cfg["device"]}


def update(rows: list[dict], runs: list[Path]) -> list[dict]:
    """``rows`` with each run's row added, or replacing the row of the same run."""
    by_key = {(r["run"], r["started"]): r for r in rows}
    for run in runs:
        new = row(run)
        by_key[(new["run"], new["started"])] = new
    return sorted(by_key.values(), key=lambda r: (r["started"], r["run"]))


def main(root: Path) -> None:
    rows = update(read(), sorted(p.parent for p in root.glob("*/last.ckpt")))
    with open(LEDGER, "w", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    cpu = sum(float(r["wall_s"]) for r in rows if r["device"] == "cpu")
    gpu = sum(float(r["wall_s"]) for r in rows if r["device"] != "cpu")
    steps = sum(int(r["steps"]) for r in rows)
    print(f"{len(rows)} runs, {steps} steps: {cpu / 3600:.2f} CPU h + {gpu / 3600:.2f} GPU h "
          f"= {(cpu + GPU_WEIGHT * gpu) / 3600:.2f} CPU-hour equivalents")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "runs/queue"))
