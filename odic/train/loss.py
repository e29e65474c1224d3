"""The observer-dependent rate–distortion loss.

``loss = bpp + λ · [(1 − α) · D_human + α · D_machine]``, with
``D_human = (1 − MS-SSIM) + human_pixel · MSE`` and
``D_machine = feature_scale · D_feat + anchor · (1 − MS-SSIM) + pixel · MSE``.

``feature_scale`` calibrates D_feat (a relative feature error, see
:func:`odic.observers.timm_observers.feature_distance`) to the magnitude of
``1 − MS-SSIM`` at the same operating point, so one λ gives roughly one rate
for every α and α = 0.5 weighs both observers about equally.

``anchor`` keeps a little MS-SSIM inside the machine term. Why: the training
observer's features are nearly blind to global brightness and colour, so a pure
feature loss (anchor 0) let the α = 1 network darken its output, which the
*held-out* classifiers do mind. The anchor ties the output to the pixels
without changing what α = 0 optimises.

``pixel`` adds the mean squared error (images in [0, 1]) to the machine term. Why: MS-SSIM
compares local structure and weighs mean brightness and colour only at its coarsest scale, so the
anchored networks left low-frequency colour errors that cost few bits to fix: their PSNR stopped
near 28 dB on Kodak at 1.2 bpp, where WebP reaches 36, and the held-out classifiers, which see
colour, lost accuracy to WebP at the same rate. For scale: an MSE-trained CompressAI model at
quality 3 weighs MSE about 50 times its MS-SSIM counterpart's 1 − MS-SSIM.

``human_pixel`` is the same pixel MSE for the human observer. Why: MS-SSIM alone let the α = 0
transforms settle where even the *unquantised* latent decodes Kodak at about 26.5 dB at every
quality, so bits spent at high qualities bought precision the synthesis ignored (PSNR flat from
0.6 to 1.2 bpp). CompressAI reaches its MS-SSIM models through MSE ones for the same reason; a
pixel term beside MS-SSIM keeps the transforms near-invertible while MS-SSIM still steers where
the bits go.

``view_scale`` resizes both images (antialiased) before the observer sees them. Why: a classifier
never sees a photo at capture size; its eval transform shrinks it to ~224 px first (imagenet
photos by ~0.6, Kodak by ~0.5). Compared at full size, the α = 1 network spent its bits on fine
detail that this shrink erases, and at the classifier's scale it agreed with the training observer
*less* than α = 0 did (experiments/train/README.md §7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from odic.metrics import msssim
from odic.observers.timm_observers import FeatureObserver, feature_distance


def likelihood_bpp(likelihoods: dict[str, Tensor], num_pixels: int) -> Tensor:
    bits = cast(Tensor, sum(torch.log(p.float()).sum() for p in likelihoods.values()))  # a sum of tensors
    return bits / (-math.log(2) * num_pixels)


@dataclass
class LossTerms:
    loss: Tensor
    bpp: Tensor
    msssim: Tensor
    feat: Tensor


class ObserverLoss(nn.Module):
    def __init__(self, alpha: float, observer: FeatureObserver | None, feature_scale: float, anchor: float = 0.0,
                 view_scale: float = 1.0, pixel: float = 0.0, human_pixel: float = 0.0):
        super().__init__()
        if not 0.0 <= alpha <= 1.0:
            raise ValueError("alpha must be in [0, 1]")
        if anchor < 0:
            raise ValueError("anchor must be ≥ 0")
        if pixel < 0 or human_pixel < 0:
            raise ValueError("pixel weights must be ≥ 0")
        if alpha > 0 and observer is None:
            raise ValueError("alpha > 0 needs an observer")
        if not 0.0 < view_scale <= 1.0:
            raise ValueError("view_scale must be in (0, 1]")
        self.alpha, self.observer, self.feature_scale, self.anchor = alpha, observer, feature_scale, anchor
        self.view_scale, self.pixel, self.human_pixel = view_scale, pixel, human_pixel

    def view(self, x: Tensor) -> Tensor:
        """``x`` as the observer looks at it: shrunk by ``view_scale``."""
        if self.view_scale == 1.0:
            return x
        return F.interpolate(x, scale_factor=self.view_scale, mode="bilinear", antialias=True, align_corners=False)

    def forward(self, x: Tensor, x_hat: Tensor, likelihoods: dict[str, Tensor], lmbda: float) -> LossTerms:
        n, _, h, w = x.shape
        bpp = likelihood_bpp(likelihoods, n * h * w)
        x_hat = x_hat.float().clamp(0, 1)
        ssim = msssim(x_hat, x)
        if self.observer is not None and self.alpha > 0:
            with torch.no_grad():
                ref = self.observer.features(self.view(x))
            feat = feature_distance(self.observer.features(self.view(x_hat)), ref) * self.feature_scale
        else:
            feat = torch.zeros((), device=x.device)
        mse = F.mse_loss(x_hat, x)
        human = (1 - ssim) + self.human_pixel * mse
        machine = feat + self.anchor * (1 - ssim) + self.pixel * mse
        distortion = (1 - self.alpha) * human + self.alpha * machine
        return LossTerms(bpp + lmbda * distortion, bpp, ssim, feat)
