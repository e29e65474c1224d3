"""Calibrate D_feat against 1 − MS-SSIM (the `feature_scale` of the training loss).

At the operating point of an α = 0 model, measure both distortions on fixed
training crops (BSDS500 only, never the evaluation sets) and report
``feature_scale = mean(1 − MS-SSIM) / mean(D_feat)``: with it the two terms of
``(1 − α)(1 − MS-SSIM) + α · feature_scale · D_feat`` have equal size at α = 0.5,
so λ sets about the same rate for every α.

    python experiments/calibration/calibrate_feature_scale.py CKPT > experiments/calibration/result.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

from odic.codec.models import create_model, forward_likelihoods, get_architecture
from odic.codec.precision import fast_context
from odic.eval.metrics import msssim
from odic.observers import create_observer
from odic.observers.timm_observers import feature_distance
from odic.train.data import CropSampler

TRAIN = Path(__file__).resolve().parents[3] / "shared" / "data" / "train"


def main(checkpoint: Path, batches: int = 4) -> dict:
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    cfg = state["config"]
    model = create_model(cfg["architecture"], cfg["N"], cfg["M"])
    model.load_state_dict(state["model"])
    model.eval()
    arch = get_architecture(cfg["architecture"])
    observer = create_observer("lite0")
    sampler = CropSampler([TRAIN], crop=192, batch=8, seed=12345)
    ssim_terms, feat_terms = [], []
    with torch.inference_mode():
        for b in range(batches):
            x = sampler.batch_at(b)
            x_hat, _ = forward_likelihoods(model, arch, x, fast_context())
            x_hat = x_hat.clamp(0, 1)
            for i in range(len(x)):
                ssim_terms.append(1 - float(msssim(x_hat[i : i + 1], x[i : i + 1])))
                feat_terms.append(float(feature_distance(observer.features(x_hat[i : i + 1]), observer.features(x[i : i + 1]))))
    one_minus_ssim = sum(ssim_terms) / len(ssim_terms)
    d_feat = sum(feat_terms) / len(feat_terms)
    return {
        "checkpoint_step": state["step"],
        "lambda": cfg["lmbda"],
        "crops": len(ssim_terms),
        "mean_1_minus_msssim": round(one_minus_ssim, 5),
        "mean_d_feat": round(d_feat, 5),
        "feature_scale": round(one_minus_ssim / d_feat, 4),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1])), indent=2))
