"""Device side: shipped fp16 weights -> starting points for ``odic lab train --init-from``.

The device machine receives the repository (with ``odic/weights/``) but not the CPU runs, so each
ladder restarts from its shipped network; ``source`` names the run that network was exported
from, so that ``odic lab export``'s lineage follows the chain back once the run returns
(``relocate.py``)."""
import os
from pathlib import Path

import torch

RUNS = Path(os.environ.get("RUNS", "runs"))
RUNS.mkdir(exist_ok=True)
for alpha, src in (("0", "a0_wide"), ("0.5", "a05_wide"), ("1", "a1_wide")):
    state = torch.load(f"odic/weights/odic-a{alpha}-q1-q2-q3-q5-q7-q8.pt", map_location="cpu", weights_only=True)
    model = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
    torch.save({"model": model, "source": str(RUNS / src / "last.ckpt")}, RUNS / f"gpu_init_a{alpha}.pt")
    print("init", alpha, len(model))
