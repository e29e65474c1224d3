"""Training step time with PyTorch's default (unfused) CPU Adam and with the fused one.

    python experiments/train/adam.py runs/queue/a0-e17b5974-9/last.ckpt [--steps 20] [--rounds 3]

Builds the checkpoint's run (its recipe and weights, in a scratch directory) and times whole
training steps, then the optimiser's update alone, each with both optimisers in alternating
rounds, so other load on the machine shows as spread between rounds rather than as a difference
between the two. Run it with the queue stopped.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch

from odic.train.loop import TrainConfig, Trainer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    with tempfile.TemporaryDirectory() as scratch:
        cfg = TrainConfig.from_checkpoint(state, out=scratch, init_from=str(args.checkpoint), steps=10**9,
                                          threads=args.threads)
        trainer = Trainer(cfg)
        groups = [{k: v for k, v in g.items() if k != "params"} | {"params": g["params"]}
                  for g in trainer.opt.param_groups]
        step_times: dict[str, list[float]] = {"unfused": [], "fused": []}
        update_times: dict[str, list[float]] = {"unfused": [], "fused": []}
        for _ in range(args.rounds):
            for name in step_times:
                trainer.opt = torch.optim.Adam(groups, fused=name == "fused")
                trainer.train_step()  # creates the optimiser's state
                start = time.perf_counter()
                for _ in range(args.steps):
                    trainer.step += 1
                    trainer.train_step()
                step_times[name].append((time.perf_counter() - start) / args.steps)
                start = time.perf_counter()
                for _ in range(args.steps):
                    trainer.opt.step()
                update_times[name].append((time.perf_counter() - start) / args.steps)
    for label, times in (("whole step", step_times), ("update alone", update_times)):
        print(f"{label}, {cfg.crop}² crops, α = {cfg.alpha:g}, {args.threads} threads: " + ", ".join(
            f"{name} {1000 * statistics.median(t):.1f} ms (rounds {', '.join(f'{1000 * x:.1f}' for x in t)})"
            for name, t in times.items()))


if __name__ == "__main__":
    main()
