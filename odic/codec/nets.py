"""The networks as the codec runs them, without CompressAI.

The same layers, in the same order, with the same state-dict keys as CompressAI's
``ScaleHyperprior`` and ``MeanScaleHyperprior``, so one weights file loads into either: training
builds CompressAI's models (:func:`odic.train.models.create_model`, with their likelihoods and
auxiliary losses), coding builds these (:func:`odic.codec.models.create_coder`). Why: importing
CompressAI pulls in torch_geometric, scipy, pandas and sympy, about 2.5 s before the first pixel
is coded, for layers that are a few convolutions and a normalisation. Of the entropy models only
what coding reads is kept: the quantised CDF tables, the hyper-latent medians and the scale table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn


@dataclass(frozen=True)
class GainMix:
    """A rate between two trained levels: per-channel log-gains mixed ``(1 − t)·low + t·high``.

    Why log space: gains act multiplicatively on the quantisation step, so interpolating their
    logarithms moves the rate smoothly from one level to the other (Cui et al. 2021's
    continuous rate). A ``t`` outside [0, 1] extrapolates along the same line, which reaches
    rates beyond a level where no neighbouring level of the same picture size exists.
    """

    low: int
    high: int
    t: float


#: A trained level's index, or a mix of two.
Level = int | GainMix


class NoGain(nn.Module):
    """The single-rate case: latents are coded as the analysis transform made them.

    Has no parameters, so single-rate state_dicts are plain CompressAI ones.
    """

    levels = 1

    def scale(self, y: Tensor, level: Level) -> Tensor:
        return y

    def unscale(self, y_hat: Tensor, level: Level) -> Tensor:
        return y_hat


class RateGain(nn.Module):
    """Per-level channel gains (Cui et al., "Asymmetric Gained Deep Image Compression", 2021).

    One network serves several rates: the latent is multiplied by a learned
    per-channel gain before quantisation (a larger gain = finer steps = more
    bits) and by an inverse gain before synthesis. Stored as logarithms so the
    gains stay positive. Costs 2 · levels · M parameters instead of a network per rate.
    """

    def __init__(self, levels: int, channels: int):
        super().__init__()
        self.levels = levels
        self.log_gain = nn.Parameter(torch.zeros(levels, channels))
        self.log_inv_gain = nn.Parameter(torch.zeros(levels, channels))

    def scale(self, y: Tensor, level: Level) -> Tensor:
        return y * _gain(self.log_gain, level).view(1, -1, 1, 1)

    def unscale(self, y_hat: Tensor, level: Level) -> Tensor:
        return y_hat * _gain(self.log_inv_gain, level).view(1, -1, 1, 1)


def _gain(log_gains: Tensor, level: Level) -> Tensor:
    if isinstance(level, int):
        return log_gains[level].exp()
    return ((1 - level.t) * log_gains[level.low] + level.t * log_gains[level.high]).exp()


def conv(in_channels: int, out_channels: int, kernel_size: int = 5, stride: int = 2) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding=kernel_size // 2)


def deconv(in_channels: int, out_channels: int, kernel_size: int = 5, stride: int = 2) -> nn.ConvTranspose2d:
    return nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, output_padding=stride - 1,
                              padding=kernel_size // 2)


class _Bound(nn.Module):
    """CompressAI's ``LowerBound`` at inference: max(x, bound)."""

    bound: Tensor

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("bound", torch.zeros(1))

    def forward(self, x: Tensor) -> Tensor:
        return torch.max(x, self.bound)


class _NonNegative(nn.Module):
    """CompressAI's ``NonNegativeParametrizer``: the stored value, bounded, squared, less a pedestal."""

    pedestal: Tensor

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("pedestal", torch.zeros(1))
        self.lower_bound = _Bound()

    def forward(self, x: Tensor) -> Tensor:
        return self.lower_bound(x) ** 2 - self.pedestal


class GDN(nn.Module):
    """Generalised divisive normalisation (Ballé et al. 2016) and its inverse, as CompressAI computes it."""

    def __init__(self, channels: int, inverse: bool = False) -> None:
        super().__init__()
        self.inverse = inverse
        self.beta = nn.Parameter(torch.zeros(channels))
        self.gamma = nn.Parameter(torch.zeros(channels, channels))
        self.beta_reparam, self.gamma_reparam = _NonNegative(), _NonNegative()

    def forward(self, x: Tensor) -> Tensor:
        channels = x.shape[1]
        gamma = self.gamma_reparam(self.gamma).reshape(channels, channels, 1, 1)
        norm = nn.functional.conv2d(x**2, gamma, self.beta_reparam(self.beta))
        # In place: at full resolution each fresh tensor of this size costs more than its arithmetic.
        return (norm.sqrt_() if self.inverse else norm.rsqrt_()).mul_(x)


class _Tables(nn.Module):
    """An entropy model's quantised CDFs, as ``EntropyModel.update`` stored them."""

    _quantized_cdf: Tensor
    _offset: Tensor
    _cdf_length: Tensor
    #: Buffers whose sizes come from the file (as in CompressAI).
    SIZED: tuple[str, ...] = ("_quantized_cdf", "_offset", "_cdf_length")

    def __init__(self) -> None:
        super().__init__()
        for name in _Tables.SIZED:
            self.register_buffer(name, torch.zeros(0, dtype=torch.int32))

    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str, *args: Any) -> None:
        # Adopt the file's sizes before loading.
        for name in self.SIZED:
            if prefix + name in state_dict:
                setattr(self, name, torch.empty_like(state_dict[prefix + name]))
        super()._load_from_state_dict(state_dict, prefix, *args)


class EntropyBottleneck(_Tables):
    """The hyper-latent's factorised prior: one table per channel, symbols counted from its median."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.quantiles = nn.Parameter(torch.zeros(channels, 1, 3))


class GaussianConditional(_Tables):
    """The latent's Gaussian prior: one table per scale of ``scale_table``."""

    scale_table: Tensor
    SIZED = _Tables.SIZED + ("scale_table",)

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("scale_table", torch.zeros(0))
        self.lower_bound_scale = _Bound()


class Hyperprior(nn.Module):
    """Analysis, synthesis and hyper transforms, the rate gains, and the two entropy models' tables."""

    rate_gain: RateGain | NoGain

    def __init__(self, g_a: nn.Module, g_s: nn.Module, h_a: nn.Module, h_s: nn.Module, hyper_channels: int,
                 rate_gain: RateGain | NoGain) -> None:
        super().__init__()
        self.g_a, self.g_s, self.h_a, self.h_s = g_a, g_s, h_a, h_s
        self.entropy_bottleneck = EntropyBottleneck(hyper_channels)
        self.gaussian_conditional = GaussianConditional()
        self.rate_gain = rate_gain

    def load_weights(self, state: dict[str, Tensor]) -> None:
        """Load a CompressAI state dict: every key this network has must be there; the training-only
        rest (the factorised density's parameters, likelihood bounds) is left out."""
        own = self.state_dict()
        self.load_state_dict({k: v for k, v in state.items() if k in own})


class CheckerboardContext(nn.Module):
    """CompressAI's ``CheckerboardMaskedConv2d`` (5 × 5) at inference, evaluated only where the
    codec uses it: at the non-anchors.

    Around a non-anchor (row + column odd) the mask keeps the 12 taps at an odd offset, which all
    fall on anchors, and those lie on two quarter-size grids, (even, even) and (odd, odd). So the
    context of each non-anchor grid is two small dense convolutions over those grids (a 3 × 2 and a
    2 × 3 slice of the kernel) instead of the 25-tap masked one: less than half the arithmetic of
    the float64 context. The mask itself is a constant of the layer, so weights files need not
    hold it (those that do still load).
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(out_channels, in_channels, 5, 5))  # the weights file fills both
        self.bias = nn.Parameter(torch.zeros(out_channels))

    def forward(self, anchors: Tensor) -> list[Tensor]:
        """The context at the non-anchors (even row, odd column) and (odd row, even column): each
        the size of ``anchors[..., r::2, c::2]``; ``anchors`` is 0 at the non-anchors."""
        height, width = anchors.shape[-2:]
        outputs = []
        for r, c in ((0, 1), (1, 0)):
            size = (len(range(r, height, 2)), len(range(c, width, 2)))
            out = self.bias.view(-1, 1, 1).expand(-1, *size).to(anchors.dtype)
            for s in (0, 1):  # the anchor grid (s, s)
                # The kernel rows kr, kr + 2, … (columns kc, …) are the offsets from (r, c) that land on
                # that grid; the padding lines their first tap up with the grid's row (column) above.
                kr, kc = (s - r) % 2, (s - c) % 2
                top, left = (2 + s - r - kr) // 2, (2 + s - c - kc) // 2
                grid = F.pad(anchors[..., s::2, s::2], (left, 3, top, 3))
                out = out + F.conv2d(grid, self.weight[..., kr::2, kc::2])[..., : size[0], : size[1]]
            outputs.append(out)
        return outputs


class CheckerboardHyperprior(Hyperprior):
    """A mean-scale hyperprior with He et al. 2021's checkerboard context (two-pass decoding):
    ``context_prediction`` sees the decoded anchors around a latent, ``entropy_parameters`` turns
    that and the hyperprior's parameters into a correction of them (:mod:`odic.codec.latent`)."""

    def __init__(self, *args: Any, M: int) -> None:
        super().__init__(*args)
        self.context_prediction = CheckerboardContext(M, 2 * M)
        self.entropy_parameters = nn.Sequential(nn.Conv2d(4 * M, 3 * M, 1), nn.LeakyReLU(), nn.Conv2d(3 * M, 2 * M, 1))


def anchor_mask(y: Tensor) -> Tensor:
    """(1, 1, h, w) of ``y``'s type: 1 at the checkerboard's anchors (row + column even), else 0."""
    rows = torch.arange(y.shape[-2], device=y.device).view(-1, 1)
    cols = torch.arange(y.shape[-1], device=y.device).view(1, -1)
    return ((rows + cols) % 2 == 0).to(y.dtype)[None, None]


def _analysis(N: int, M: int) -> nn.Sequential:
    return nn.Sequential(conv(3, N), GDN(N), conv(N, N), GDN(N), conv(N, N), GDN(N), conv(N, M))


def _synthesis(N: int, M: int) -> nn.Sequential:
    return nn.Sequential(deconv(M, N), GDN(N, inverse=True), deconv(N, N), GDN(N, inverse=True), deconv(N, N),
                         GDN(N, inverse=True), deconv(N, 3))


def scale_hyperprior(N: int, M: int, rate_gain: RateGain | NoGain) -> Hyperprior:
    """CompressAI's ``ScaleHyperprior`` layers."""
    h_a = nn.Sequential(conv(M, N, 3, 1), nn.ReLU(), conv(N, N), nn.ReLU(), conv(N, N))
    h_s = nn.Sequential(deconv(N, N), nn.ReLU(), deconv(N, N), nn.ReLU(), conv(N, M, 3, 1), nn.ReLU())
    return Hyperprior(_analysis(N, M), _synthesis(N, M), h_a, h_s, N, rate_gain)


def _mean_scale_hyper(N: int, M: int) -> tuple[nn.Sequential, nn.Sequential]:
    h_a = nn.Sequential(conv(M, N, 3, 1), nn.LeakyReLU(), conv(N, N), nn.LeakyReLU(), conv(N, N))
    h_s = nn.Sequential(deconv(N, M), nn.LeakyReLU(), deconv(M, M * 3 // 2), nn.LeakyReLU(),
                        conv(M * 3 // 2, M * 2, 3, 1))
    return h_a, h_s


def mean_scale_hyperprior(N: int, M: int, rate_gain: RateGain | NoGain) -> Hyperprior:
    """CompressAI's ``MeanScaleHyperprior`` layers."""
    return Hyperprior(_analysis(N, M), _synthesis(N, M), *_mean_scale_hyper(N, M), N, rate_gain)


def checkerboard_hyperprior(N: int, M: int, rate_gain: RateGain | NoGain) -> CheckerboardHyperprior:
    """The mean-scale hyperprior's layers and the checkerboard context of
    :class:`odic.train.models.GainedCheckerboardHyperprior`."""
    return CheckerboardHyperprior(_analysis(N, M), _synthesis(N, M), *_mean_scale_hyper(N, M), N, rate_gain, M=M)


