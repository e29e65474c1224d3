"""Time of one Adam update of the shipped architecture's weights, unfused and fused.

    python experiments/train/adam.py [--threads 2] [--repeats 20]

A training step at α = 0 (8 × 128² crops) takes about 0.2 s on the 2-core AMX machine; the
optimiser's share is measured here alone, on random gradients, so other load on the machine
shows as spread between the alternating rounds rather than as a difference between them.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from odic.train.models import create_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = create_model("gained-checkerboard-hyperprior", 128, 192)
    params = [p for n, p in model.named_parameters() if not n.endswith(".quantiles")]
    for p in params:
        p.grad = torch.randn_like(p)
    times: dict[str, list[float]] = {"unfused": [], "fused": []}
    for _ in range(args.rounds):
        for name in times:
            opt = torch.optim.Adam(params, lr=1e-5, fused=name == "fused")
            opt.step()  # creates the state
            start = time.perf_counter()
            for _ in range(args.repeats):
                opt.step()
            times[name].append((time.perf_counter() - start) / args.repeats)
    print(f"{len(params)} tensors, {sum(p.numel() for p in params) / 1e6:.1f} M weights, {args.threads} threads: "
          + ", ".join(f"{name} {1000 * statistics.median(t):.1f} ms (rounds {', '.join(f'{1000 * x:.1f}' for x in t)})"
                      for name, t in times.items()))


if __name__ == "__main__":
    main()
