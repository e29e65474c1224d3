"""MS-SSIM: our fast depthwise version equals pytorch-msssim, and degrades gracefully on small images."""

from __future__ import annotations

import math

import pytest
import torch
from pytorch_msssim import ms_ssim

from odic.metrics import msssim


@pytest.mark.parametrize("shape", [(1, 3, 170, 200), (2, 3, 181, 257)])
def test_msssim_equals_pytorch_msssim(shape: tuple[int, ...]) -> None:
    torch.manual_seed(0)
    x = torch.rand(shape)
    y = (x + 0.1 * torch.randn(shape)).clamp(0, 1)
    assert msssim(x, y).item() == pytest.approx(ms_ssim(x, y, data_range=1.0).item(), abs=1e-5)  # float32 rounding


def test_msssim_small_images_and_gradients() -> None:
    torch.manual_seed(1)
    x = torch.rand(2, 3, 64, 48, requires_grad=True)
    value = msssim(x, x.detach())
    assert value.item() == pytest.approx(1.0, abs=1e-5)  # fewer scales, still 1 for identical images
    noisy = msssim(x, (x.detach() + 0.2 * torch.randn_like(x)).clamp(0, 1))
    assert 0 < noisy.item() < 0.95
    noisy.backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert math.isnan(msssim(torch.rand(1, 3, 10, 40), torch.rand(1, 3, 10, 40)).item())
