"""Image-quality metrics shared by training, the demo and the sweeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
from pytorch_msssim import ms_ssim
from pytorch_msssim.ssim import _fspecial_gauss_1d, _ssim
from torch import Tensor

_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def msssim(x: Tensor, y: Tensor) -> Tensor:
    """MS-SSIM of (N, 3, H, W) tensors in [0, 1], for any side ≥ 11 px.

    Five scales need a side > 160 px; smaller images drop the coarsest scales
    (renormalising the remaining weights) instead of failing, which keeps
    128-px training crops and small test images legal. Below 11 px, where not
    even one 11×11 window fits, plain SSIM is meaningless and NaN is returned.
    """
    side = min(x.shape[-2:])
    if side < 11:
        return torch.tensor(float("nan"))
    scales = 5
    while scales > 1 and side <= 10 * 2 ** (scales - 1):
        scales -= 1
    x, y = x.float(), y.float()
    if scales == 5:
        return ms_ssim(x, y, data_range=1.0, size_average=True)
    # pytorch-msssim insists on 5 scales; the same computation with fewer, on its own SSIM kernel.
    weights = torch.tensor(_MSSSIM_WEIGHTS[:scales], device=x.device)
    weights = weights / weights.sum()
    win = _fspecial_gauss_1d(11, 1.5).repeat(x.shape[1], 1, 1, 1).to(x.device)
    levels = []
    for i in range(scales):
        ssim_per_channel, cs = _ssim(x, y, data_range=1.0, win=win, size_average=False)
        if i < scales - 1:
            levels.append(torch.relu(cs))
            x, y = F.avg_pool2d(x, 2, padding=[d % 2 for d in x.shape[2:]]), F.avg_pool2d(y, 2, padding=[d % 2 for d in y.shape[2:]])
    levels.append(torch.relu(ssim_per_channel))
    return torch.prod(torch.stack(levels) ** weights.view(-1, 1, 1), dim=0).mean()


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two uint8 images (inf when identical)."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def msssim_uint8(a: np.ndarray, b: np.ndarray) -> float:
    """MS-SSIM of two H × W × 3 uint8 images."""
    ta, tb = (torch.tensor(v).permute(2, 0, 1)[None].float() / 255 for v in (a, b))
    return float(msssim(ta, tb))


def bits_per_pixel(num_bytes: int, height: int, width: int) -> float:
    return 8.0 * num_bytes / (height * width)



@dataclass(frozen=True)
class Measurement:
    """The figures every report shares for one compressed image."""

    bytes: int
    bpp: float
    psnr: float
    msssim: Optional[float]  # None below 11 px, where no SSIM window fits


def measure(original: np.ndarray, data: bytes, decoded: np.ndarray) -> Measurement:
    """Size and quality of one compressed image; bpp counts the original's pixels."""
    height, width = original.shape[:2]
    return Measurement(
        len(data), bits_per_pixel(len(data), height, width), psnr(original, decoded),
        msssim_uint8(original, decoded) if min(height, width) >= 11 else None,
    )
