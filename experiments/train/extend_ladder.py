"""Widen a trained variable-rate network's ladder before fine-tuning: one level below, one above.

The gained networks train qualities 1, 3, 5 and 7 of their eight rate levels, and their q1 gains
move slowly (experiments/train/README.md), so q1 stayed near 0.2 bpp. Here the old q1 moves to q2,
a new q1 starts ``t`` ladder steps below it (q1 + t·(q1 − q3)) and a new q8 ``t`` steps above q7
(q7 + t·(q7 − q5)), each ``t`` solved so that the level codes the fixed validation crops of the
*training* set (step −1 of the sampler, as ``odic lab train`` validates) at the requested bpp; Kodak
and imagenet-1000 are not looked at (odic/train/ladder.py).

    python experiments/train/extend_ladder.py runs/a0_vr3/last.ckpt runs/a0_wide.init.pt

The output holds the model only; ``odic lab train --init-from`` fine-tunes it at qualities 1, 2, 3,
5, 7, 8 (experiments/train/README.md, appendix, step 8).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from odic.train.data import CropSampler
from odic.train.ladder import copy_level, extrapolate_level
from odic.train.models import create_model


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", type=Path, help="training checkpoint of a gained network (qualities 1, 3, 5, 7)")
    p.add_argument("dst", type=Path, help="where to write the widened model state")
    p.add_argument("--low-bpp", type=float, default=0.085, help="rate of the new q1 on the validation crops")
    p.add_argument("--high-bpp", type=float, default=1.15, help="rate of the new q8 on the validation crops")
    args = p.parse_args()

    state = torch.load(args.src, map_location="cpu", weights_only=False)
    cfg = state["config"]
    if sorted(cfg["qualities"]) != [1, 3, 5, 7]:
        raise SystemExit(f"{args.src} trains qualities {cfg['qualities']}, not 1, 3, 5, 7")
    model = create_model(cfg["architecture"], cfg["N"], cfg["M"])
    model.load_state_dict(state["model"])
    x = CropSampler.from_folders([Path(d) for d in cfg["data"]], cfg["crop"], cfg["batch"], cfg["seed"]).batch_at(-1)
    x = x[: cfg["val_images"]]
    copy_level(model, src=0, dst=1)
    for level, base, toward, target in ((0, 1, 2, args.low_bpp), (7, 6, 4, args.high_bpp)):
        t, reached = extrapolate_level(model, x, level, base, toward, target)
        print(f"q{level + 1}: t = {t:.3f} → {reached:.4f} bpp on the validation crops (target {target})")
    args.dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "source": str(args.src)}, args.dst)


if __name__ == "__main__":
    main()
