"""Device side: a run's last.ckpt -> $OUT/NAME.pt without optimiser state, weights in fp16
(odic lab export rounds every parameter to fp16 anyway), small enough to come back (< 16 MB)."""
import os
import sys

import torch

for run in sys.argv[1:]:
    s = torch.load(f"runs/{run}/last.ckpt", map_location="cpu", weights_only=False)
    model = {k: v.half() if v.is_floating_point() else v for k, v in s["model"].items()}
    log = open(f"runs/{run}/log.jsonl").read()
    torch.save({"model": model, "step": s["step"], "wall": s["wall"], "config": s["config"], "log": log},
               f"{os.environ['OUT']}/{run}.pt")
    print(run, s["step"], round(s["wall"]))
