"""Here, after the device: packed runs ($OUT/NAME.pt from pack.py) -> RUNS/NAME/{last.ckpt,log.jsonl}.

The device ran them under its own ``runs/``; ``out`` and ``init_from`` are rewritten to RUNS so
that ``odic lab export`` finds the lineage. The result has no optimiser state: export it, do not
resume it.

    python experiments/train/device/relocate.py /work/runs FILE.pt ...
"""
import sys
from pathlib import Path

import torch

runs = Path(sys.argv[1]).resolve()
for packed in map(Path, sys.argv[2:]):
    state = torch.load(packed, map_location="cpu", weights_only=False)
    cfg = state["config"]
    cfg["out"] = str(runs / Path(cfg["out"]).name)
    if cfg.get("init_from"):  # the device's runs/… paths, rebased onto RUNS
        cfg["init_from"] = str(runs / Path(cfg["init_from"]).relative_to("runs"))
    out = Path(cfg["out"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "log.jsonl").write_text(state.pop("log"))
    torch.save(state, out / "last.ckpt")
    print(out, state["step"], round(state["wall"]), "init", cfg["init_from"])
