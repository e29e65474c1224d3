"""Image-quality metrics shared by training, the demo and the sweeps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from odic.codec.bitstream import bits_per_pixel

_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _gaussian_window(size: int = 11, sigma: float = 1.5) -> Tensor:
    coords = torch.arange(size, dtype=torch.float32) - size // 2
    g = torch.exp(-(coords**2) / (2 * sigma**2))
    return g / g.sum()


_WINDOW = _gaussian_window()


def _ssim(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """Per-channel SSIM and contrast-structure of (N, C, H, W) images in [0, 1].

    The computation of pytorch-msssim (11-tap Gaussian, σ = 1.5, valid windows), with the five
    filtered maps stacked as channels: two depthwise convolutions instead of ten, several times
    faster on CPU (MS-SSIM dominated every sweep's time).
    """
    c1, c2 = 0.01**2, 0.03**2
    n, c = x.shape[:2]
    win = _WINDOW.to(x.device, x.dtype)
    maps = torch.cat([x, y, x * x, y * y, x * y], dim=1)  # (n, 5c, h, w): one depthwise pass
    maps = F.conv2d(maps, win.view(1, 1, 1, -1).expand(5 * c, 1, 1, -1), groups=5 * c)
    maps = F.conv2d(maps, win.view(1, 1, -1, 1).expand(5 * c, 1, -1, 1), groups=5 * c)
    mu_x, mu_y, xx, yy, xy = maps.reshape(n, 5, c, *maps.shape[-2:]).unbind(1)
    sigma_x, sigma_y, sigma_xy = xx - mu_x**2, yy - mu_y**2, xy - mu_x * mu_y
    cs_map = (2 * sigma_xy + c2) / (sigma_x + sigma_y + c2)
    ssim_map = (2 * mu_x * mu_y + c1) / (mu_x**2 + mu_y**2 + c1) * cs_map
    return ssim_map.flatten(2).mean(-1), cs_map.flatten(2).mean(-1)


def msssim(x: Tensor, y: Tensor) -> Tensor:
    """MS-SSIM of (N, 3, H, W) tensors in [0, 1], for any side ≥ 11 px.

    Equal to pytorch-msssim's ``ms_ssim`` where that applies (side > 160 px, five scales).
    Smaller images drop the coarsest scales (renormalising the remaining weights) instead of
    failing, which keeps 128-px training crops and small test images legal. Below 11 px, where
    not even one 11×11 window fits, plain SSIM is meaningless and NaN is returned.
    """
    side = min(x.shape[-2:])
    if side < 11:
        return torch.tensor(float("nan"))
    scales = 5
    while scales > 1 and side <= 10 * 2 ** (scales - 1):
        scales -= 1
    x, y = x.float(), y.float()
    weights = torch.tensor(_MSSSIM_WEIGHTS[:scales], device=x.device)
    if scales < 5:
        weights = weights / weights.sum()
    levels = []
    for i in range(scales):
        ssim_per_channel, cs = _ssim(x, y)
        if i < scales - 1:
            levels.append(torch.relu(cs))
            pad = [d % 2 for d in x.shape[2:]]
            x, y = F.avg_pool2d(x, 2, padding=pad), F.avg_pool2d(y, 2, padding=pad)
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



@dataclass(frozen=True)
class Measurement:
    """The figures every report shares for one compressed image."""

    bytes: int | None
    bpp: float | None
    psnr: float
    msssim: float | None  # None below 11 px, where no SSIM window fits


def measure(original: np.ndarray, data: bytes | None, decoded: np.ndarray) -> Measurement:
    """Size and quality of one compressed (or, without data, distorted) image; bpp counts the
    original's pixels."""
    height, width = original.shape[:2]
    return Measurement(
        None if data is None else len(data), None if data is None else bits_per_pixel(len(data), height * width),
        psnr(original, decoded),
        msssim_uint8(original, decoded) if min(height, width) >= 11 else None,
    )
