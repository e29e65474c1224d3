"""Does a network keep what a classifier sees? Lite0 agreement on training crops (BSDS only).

For each checkpoint and rate level: the rate from the entropy models, MS-SSIM, and how often Lite0
gives the decoded crop the label it gives the original, looking at the crops shrunk 320 → 192 px as
a classifier's eval resize would (``--full-size``: at capture size, a 224 px centre crop instead).
Used to choose networks without the evaluation sets (experiments/train/README.md §7):

    python experiments/train/agreement.py runs/a0_fix/last.ckpt runs/a1_view/last.ckpt --levels 0,1,2,4
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
import torch.nn.functional as F

from odic.codec.precision import fast_context
from odic.metrics import msssim
from odic.observers import create_observer
from odic.train.data import CropSampler
from odic.train.export import load_checkpoint

TRAIN = Path(__file__).resolve().parents[3] / "shared" / "data" / "train"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoints", type=Path, nargs="+")
    parser.add_argument("--levels", default="2", help="Comma-separated rate levels (quality − 1).")
    parser.add_argument("--batches", type=int, default=8, help="Batches of 16 crops.")
    parser.add_argument("--full-size", action="store_true", help="Judge a 224 px centre crop at capture size.")
    args = parser.parse_args()
    observer = create_observer("lite0")
    sampler = CropSampler.from_folders([TRAIN], crop=320, batch=16, seed=777)
    crops = [sampler.batch_at(b) for b in range(args.batches)]

    def seen(x: torch.Tensor) -> torch.Tensor:
        if args.full_size:
            return x[..., 48:272, 48:272]
        return F.interpolate(x, size=(192, 192), mode="bilinear", antialias=True, align_corners=False)

    with torch.inference_mode():
        labels = [observer(seen(x)).argmax(1) for x in crops]
        for checkpoint in args.checkpoints:
            state, model = load_checkpoint(checkpoint)
            model.fast = fast_context()
            for level in map(int, args.levels.split(",")):
                agree, bpp, ssim = 0, 0.0, 0.0
                for x, label in zip(crops, labels):
                    out = model(x, level)
                    x_hat, likelihoods = out["x_hat"].clamp(0, 1), out["likelihoods"]
                    bits = sum(-torch.log2(lik.clamp_min(1e-9)).sum() for lik in likelihoods.values())
                    bpp += float(bits) / (x.shape[0] * x.shape[2] * x.shape[3]) / len(crops)
                    ssim += float(msssim(x_hat, x)) / len(crops)
                    agree += int((observer(seen(x_hat)).argmax(1) == label).sum())
                total = sum(len(x) for x in crops)
                print(f"{checkpoint.parent.name} level {level}: bpp {bpp:.3f} ms-ssim {ssim:.4f} "
                      f"agreement {agree / total:.3f}", flush=True)


if __name__ == "__main__":
    main()
