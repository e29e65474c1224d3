"""Weights that travel to and from a lent GPU, in fp16 without optimiser state (``odic lab export``
rounds every parameter to fp16 anyway), so that each ladder's file stays under 16 MB.

    python pack.py start SOURCE RUN DEST   # here: a queue checkpoint or shipped file → .dev/start
    python pack.py back RUNS OUT           # device: RUNS/LADDER/last.ckpt → OUT/LADDER.pt
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch


def half(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.half() if v.is_floating_point() else v for k, v in state.items()}


def start(source: Path, run: Path, dest: Path) -> None:
    """``source``'s weights, with where they came from: ``run`` is the generation in progress."""
    state = torch.load(source, map_location="cpu", weights_only=False)
    torch.save({"model": half(state.get("model", state)), "source": str(source),
                "source_step": state.get("step", 0), "run": str(run)}, dest)
    print(dest, "from", source, "at step", state.get("step", 0))


def back(runs: Path, out: Path) -> None:
    for ckpt in sorted(runs.glob("*/last.ckpt")):
        state = torch.load(ckpt, map_location="cpu", weights_only=False)
        packed = {k: state.get(k) for k in ("step", "wall", "started", "skipped", "config")}
        log = ckpt.parent / "log.jsonl"  # a run shorter than its log interval has none
        packed.update(model=half(state["model"]), log=log.read_text() if log.exists() else "")
        torch.save(packed, out / f"{ckpt.parent.name}.pt")
        print(f"{ckpt.parent.name}: {state['step']} steps in {state['wall']:.0f} s, "
              f"{state['step'] / max(state['wall'], 1e-9):.2f} steps/s")


if __name__ == "__main__":
    if sys.argv[1:2] == ["start"] and len(sys.argv) == 5:
        start(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    elif sys.argv[1:2] == ["back"] and len(sys.argv) == 4:
        back(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(__doc__)
