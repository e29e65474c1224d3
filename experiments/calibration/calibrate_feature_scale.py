"""Calibrate D_feat against 1 − MS-SSIM (the `feature_scale` of the training loss).

At the operating point of an α = 0 model, measure both distortions on fixed
training crops (BSDS500 only, never the evaluation sets) and report
``feature_scale = mean(1 − MS-SSIM) / mean(D_feat)``: with it the two terms of
``(1 − α)(1 − MS-SSIM) + α · feature_scale · D_feat`` have equal size at α = 0.5,
so λ sets about the same rate for every α.

    python experiments/calibration/calibrate_feature_scale.py CKPT [LEVEL] [VIEW_SCALE] > experiments/calibration/result.json

LEVEL is the rate level of a variable-rate network (default 0); VIEW_SCALE the shrink the
observer looks through (``--view-scale`` of ``odic lab train``, default 1).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from odic.codec.precision import fast_context
from odic.observers import create_observer
from odic.train.data import CropSampler
from odic.train.export import load_checkpoint
from odic.train.loss import ObserverLoss

TRAIN = Path(__file__).resolve().parents[3] / "shared" / "data" / "train"


def main(checkpoint: Path, level: int = 0, view_scale: float = 1.0, batches: int = 4) -> dict:
    state, model = load_checkpoint(checkpoint)
    cfg = state["config"]
    model.fast = fast_context()
    observer = create_observer("lite0")
    # The training loss itself at α = 1 and feature scale 1 gives both raw terms of each crop.
    loss = ObserverLoss(1.0, observer, 1.0, view_scale=view_scale)
    sampler = CropSampler.from_folders([TRAIN], crop=192, batch=8, seed=12345)
    ssim_terms, feat_terms = [], []
    with torch.inference_mode():
        for b in range(batches):
            x = sampler.batch_at(b)
            out = model(x, level)
            x_hat, likelihoods = out["x_hat"], out["likelihoods"]
            for i in range(len(x)):
                crop = slice(i, i + 1)
                terms = loss(x[crop], x_hat[crop], {k: v[crop] for k, v in likelihoods.items()}, 0.0)
                ssim_terms.append(1 - float(terms.msssim))
                feat_terms.append(float(terms.feat))
    one_minus_ssim = sum(ssim_terms) / len(ssim_terms)
    d_feat = sum(feat_terms) / len(feat_terms)
    return {
        "checkpoint_step": state["step"],
        "lambda": cfg["lmbda"],
        "level": level,
        "view_scale": view_scale,
        "crops": len(ssim_terms),
        "mean_1_minus_msssim": round(one_minus_ssim, 5),
        "mean_d_feat": round(d_feat, 5),
        "feature_scale": round(one_minus_ssim / d_feat, 4),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("level", type=int, nargs="?", default=0)
    parser.add_argument("view_scale", type=float, nargs="?", default=1.0)
    args = parser.parse_args()
    print(json.dumps(main(args.checkpoint, args.level, args.view_scale), indent=2))
