"""Whether the decoder should reconstruct each latent at its bin's centroid instead of its centre.

    python experiments/context/dequantise.py runs/heldout --quality 5 [--limit 12]

The decoder sets ``y_hat = symbol + mean``, the centre of the quantisation bin. Under the
Gaussian the entropy model assigns, the expected value of a latent given its bin lies nearer the
mean for every symbol but 0; reconstructing there (a shift ``w`` of the way, 0 = as shipped) costs
no bits. This reads the scales the decoder computed for each file and decodes the same files with
each shift: bpp is identical, PSNR and MS-SSIM say whether ``g_s`` prefers it.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from odic.codec import rans, zoo
from odic.codec.image import load_image
from odic.codec.nets import anchor_mask
from odic.data.files import find_images
from odic.metrics import measure


def centroid(symbols: Tensor, scales: Tensor) -> Tensor:
    """E[y − mean | its bin] under N(0, scale²), for bins [k − ½, k + ½]."""
    k, s = symbols.double(), scales.double().clamp_min(0.11)  # 0.11: the entropy model's lowest scale
    a, b = (k - 0.5) / s, (k + 0.5) / s
    density = lambda t: torch.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)  # noqa: E731
    mass = 0.5 * (torch.erf(b / math.sqrt(2)) - torch.erf(a / math.sqrt(2)))
    return torch.where(mass > 1e-9, s * (density(a) - density(b)) / mass.clamp_min(1e-12), k)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", type=Path)
    parser.add_argument("--quality", type=float, default=5.0)
    parser.add_argument("--limit", type=int, default=12)
    parser.add_argument("--shifts", default="0,0.5,1")
    args = parser.parse_args()
    torch.set_num_threads(2)
    codec = zoo.load(zoo.find(0.0, args.quality))
    latent, values_of = codec.latent, rans.values_of
    state: dict = {"shift": 0.0}

    def decode(string: bytes, hyper: Tensor) -> tuple[Tensor, Tensor | None]:
        symbols, means = type(latent).decode(latent, string, hyper)
        state["scales"] = latent._params(latent._anchors(symbols.clone(), hyper, anchor_mask(hyper)), hyper)[0]
        return symbols, means

    def shifted(symbols: Tensor, means: Tensor | None) -> Tensor:
        scales = state.get("scales")
        if not state["shift"] or means is None or scales is None or scales.shape != symbols.shape:
            return values_of(symbols, means)  # the hyper-latent, or the shipped reconstruction
        offset = symbols.double() + state["shift"] * (centroid(symbols, scales) - symbols.double())
        return (means.double() + offset).float()

    latent.decode = decode  # type: ignore[method-assign]  # an instance attribute shadows the method
    rans.values_of = shifted  # the codec module reads it through ``rans``
    shifts = [float(s) for s in args.shifts.split(",")]
    rows: dict[float, list] = {s: [] for s in shifts}
    for path in find_images(args.images)[: args.limit]:
        image = load_image(path)
        data = codec.encode_image(image).data
        for shift in shifts:
            state["shift"] = shift
            state.pop("scales", None)
            m = measure(image.rgb, data, np.asarray(codec.decode(data).convert("RGB")))
            rows[shift].append((m.bpp, m.psnr, m.msssim))
    for shift, r in rows.items():
        bpp, psnr, msssim = np.mean(r, axis=0)
        print(f"α = 0 q{args.quality:g}, shift {shift:g}: {bpp:.4f} bpp, {psnr:.2f} dB, MS-SSIM {msssim:.4f}")


if __name__ == "__main__":
    main()
