"""How many bits a checkerboard context model saves on a trained network, its transforms frozen.

    python experiments/context/frozen.py CKPT OUT --steps 2000 [--crop 256] [--threads 2]
    python experiments/context/frozen.py CKPT OUT --evaluate runs/heldout

Training: only the context of :class:`odic.train.models.GainedCheckerboardHyperprior` (He et al.
2021's checkerboard masked 5×5 convolution and a residual entropy-parameters network) learns;
``g_a``, the gains and the hyperprior stay as trained, so the pictures stay exactly the network's
and every saved bit is the context's. The residual starts at
zero: step 0 is the hyperprior's own rate. Evaluation: bits of the rounded latents (y and z, from
the discrete likelihoods) per pixel, per quality, of the hyperprior and of the context model, on
photos training never saw (the queue's held-out 50). Resumes from OUT/last.pt.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import Tensor, nn

from odic.codec.codec import shrink
from odic.codec.precision import fast_context
from odic.data.files import find_images
from odic.train.data import CropSampler
from odic.train.models import GainedHyperprior, create_model

CONTEXT = ("context_prediction.", "entropy_parameters.")


def y_bits(model: GainedHyperprior, y: Tensor, hyper: Tensor, noise: Tensor | None, context: bool) -> Tensor:
    """Bits of ``y`` under the hyperprior alone or with the checkerboard context: of ``y + noise``
    in training, of ``y`` rounded around its mean (as coded) without noise."""
    scales, means = model.gaussian_params(y, hyper) if context else model.split_params(hyper)
    assert means is not None
    gc = model.gaussian_conditional
    values = y + noise if noise is not None else torch.round(y - means) + means
    return -torch.log2(gc.likelihood_lower_bound(gc._likelihood(values, scales, means))).sum()


def load(ckpt: str, out: Path) -> tuple[GainedHyperprior, dict, list[tuple[int, int]]]:
    """The run's network as a checkerboard one, its context from ``out`` if trained there."""
    state = torch.load(ckpt, map_location="cpu", weights_only=False)
    cfg = state["config"]
    model = create_model("gained-checkerboard-hyperprior", cfg["N"], cfg["M"])
    model.load_state_dict(state["model"], strict=False)
    if (out / "last.pt").exists():
        model.load_state_dict(torch.load(out / "last.pt", weights_only=False)["ctx"], strict=False)
    model.eval().requires_grad_(False)
    model.fast = fast_context(torch.device("cpu"))
    points = [(q - 1, 2 if q in cfg["half_size"] else 1) for q in cfg["qualities"]]
    return model, cfg, points


def latents(model: GainedHyperprior, x: Tensor, level: int) -> tuple[Tensor, Tensor, Tensor]:
    """(y, z bits, hyper params) of ``x`` at ``level``, everything frozen (the model in eval mode
    rounds z as coded)."""
    with torch.no_grad():
        y = model.analyse(x, level)
        z_likelihoods, hyper = model.hyperprior(y)
    return y, -torch.log2(z_likelihoods).sum(), hyper


def train(args) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model, cfg, points = load(args.ckpt, out)
    context = [p for n, p in model.named_parameters() if n.startswith(CONTEXT)]
    for p in context:
        p.requires_grad_(True)
    opt = torch.optim.Adam(context, lr=args.lr)
    step, wall = 0, 0.0
    if (out / "last.pt").exists():
        state = torch.load(out / "last.pt", weights_only=False)
        opt.load_state_dict(state["opt"])
        step, wall = state["step"], state["wall"]
    sampler = CropSampler.from_folders([Path(args.data)], args.crop, args.batch, seed=1, hold_out=args.hold_out)
    log = (out / "log.jsonl").open("a")
    start = time.time() - wall
    while step < args.steps:
        level, resample = points[step % len(points)]
        x = shrink(sampler.batch_at(step), resample)
        y, _, hyper = latents(model, x, level)
        for group in opt.param_groups:
            group["lr"] = args.lr * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        noise = torch.empty_like(y).uniform_(-0.5, 0.5)
        with torch.no_grad():
            base = y_bits(model, y, hyper, noise, context=False)
        bits = y_bits(model, y, hyper, noise, context=True)
        opt.zero_grad()
        (bits / x[:, :1].numel()).backward()
        opt.step()
        step += 1
        if step % 25 == 0:
            row = {"step": step, "wall": round(time.time() - start, 1), "level": level,
                   "saving": round(1 - bits.item() / base.item(), 4)}
            log.write(json.dumps(row) + "\n")
            log.flush()
        if step % 100 == 0 or step == args.steps:
            ctx = {k: v for k, v in model.state_dict().items() if k.startswith(CONTEXT)}
            torch.save({"ctx": ctx, "opt": opt.state_dict(), "step": step, "wall": time.time() - start},
                       out / "last.pt")


def evaluate(args) -> None:
    model, cfg, points = load(args.ckpt, Path(args.out))
    files = find_images(Path(args.evaluate))
    print("| quality | hyperprior bpp | context bpp | saving |")
    print("|---|---|---|---|")
    for level, resample in points:
        total = {"hyper": 0.0, "ctx": 0.0, "px": 0}
        for path in files:
            rgb = torch.from_numpy(np.array(Image.open(path).convert("RGB"))).permute(2, 0, 1)[None].float() / 255
            h, w = rgb.shape[-2:]
            x = shrink(rgb, resample)
            x = nn.functional.pad(x, (0, -x.shape[-1] % 64, 0, -x.shape[-2] % 64), mode="replicate")
            y, z_bits, hyper = latents(model, x, level)
            with torch.no_grad():
                total["hyper"] += (y_bits(model, y, hyper, None, context=False) + z_bits).item()
                total["ctx"] += (y_bits(model, y, hyper, None, context=True) + z_bits).item()
            total["px"] += h * w
        a, b = total["hyper"] / total["px"], total["ctx"] / total["px"]
        print(f"| {level + 1} | {a:.4f} | {b:.4f} | {100 * (1 - b / a):.1f} % |")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("ckpt")
    p.add_argument("out")
    p.add_argument("--data", default="../shared/data/train")
    p.add_argument("--hold-out", type=int, default=50)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--crop", type=int, default=256)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--evaluate")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    evaluate(args) if args.evaluate else train(args)


if __name__ == "__main__":
    main()
