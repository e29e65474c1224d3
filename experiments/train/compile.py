"""Training step time with the transforms eager and compiled (``odic lab train --compile``).

    python experiments/train/compile.py runs/queue/a1-218434a6-1/last.ckpt [--alpha 0] [--cycles 2] [--rounds 3]

Builds the checkpoint's run twice (its recipe and weights, in scratch directories), once with
``torch.compile`` on the transforms, and times whole training steps of each in alternating
rounds, so other load on the machine shows as spread between rounds rather than as a difference
between the two. A round is whole cycles through the trained rates, whose crops differ in size
(half-size qualities). The compiled run first goes once through every rate and a validation, and
the time that takes (mostly compiling) is printed apart. ``--alpha`` times the same network under
another objective (α = 0 has no classifier in its step).
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
    parser.add_argument("--alpha", type=float, default=None, help="Objective to time (default: the checkpoint's).")
    parser.add_argument("--cycles", type=int, default=2, help="Cycles through the trained rates per round.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    alpha = {} if args.alpha is None else {"alpha": args.alpha}
    trainers: dict[str, Trainer] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("eager", "compiled"):
            trainers[name] = Trainer(TrainConfig.from_checkpoint(
                state, **alpha, out=f"{scratch}/{name}", init_from=str(args.checkpoint), steps=10**9,
                threads=args.threads, compile=name == "compiled"))
        rates = len(trainers["eager"].rates)
        start = time.perf_counter()
        for trainer in trainers.values():  # every rate's shapes once, and validation's no-grad ones
            for _ in range(rates):
                trainer.train_step()
                trainer.step += 1
            trainer.validate()
            if trainer.cfg.compile:
                print(f"compiled run, first {rates} steps and a validation: {time.perf_counter() - start:.0f} s")
            start = time.perf_counter()
        steps = args.cycles * rates
        times: dict[str, list[float]] = {name: [] for name in trainers}
        for _ in range(args.rounds):
            for name, trainer in trainers.items():
                start = time.perf_counter()
                for _ in range(steps):
                    trainer.train_step()
                    trainer.step += 1
                times[name].append((time.perf_counter() - start) / steps)
    cfg = trainers["eager"].cfg
    print(f"whole step, {cfg.crop}² crops, α = {cfg.alpha:g}, {args.threads} threads, {steps} steps a round: "
          + ", ".join(f"{name} {1000 * statistics.median(t):.0f} ms (rounds {', '.join(f'{1000 * x:.0f}' for x in t)})"
                      for name, t in times.items()))


if __name__ == "__main__":
    main()
