"""Start half-size rate levels from the full-size levels that already code at their rates.

A shipped half-size quality used to borrow a full-size level (quality 1 coded with quality 2's
level at half size, quality 2 with quality 5's). Training those qualities at half size
(``odic lab train --half-size 1 --half-size 2``) gives them their own levels, and starting each from
the level it borrowed puts it at its shipped rate from the first step instead of at a quarter of
it. Copies run in the order given:

    python experiments/train/half_levels.py runs/a0_fix/last.ckpt runs/a0_half.init.pt 2:1 5:2

The output holds the model only, for ``odic lab train --init-from`` (experiments/train/README.md,
appendix, step 14). Every shipped network now trains its half-size qualities on levels of its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from odic.train.export import load_checkpoint
from odic.train.ladder import copy_level


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", type=Path, help="training checkpoint of a gained network")
    p.add_argument("dst", type=Path, help="where to write the model state")
    p.add_argument("copies", nargs="+", help="FROM:TO quality pairs: TO's level gets FROM's gains")
    args = p.parse_args()

    model = load_checkpoint(args.src)[1]
    for pair in args.copies:
        src, dst = (int(q) for q in pair.split(":"))
        copy_level(model, src=src - 1, dst=dst - 1)
        print(f"q{dst} starts from the gains of q{src}")
    args.dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "source": str(args.src)}, args.dst)


if __name__ == "__main__":
    main()
