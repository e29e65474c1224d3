"""Architecture registry: how the codec builds each network and reads its hyperprior.

A weights manifest says ``"architecture": "mean-scale-hyperprior"``; :func:`create_coder` builds
the codec's inference network of that name (:mod:`odic.codec.nets`, no CompressAI). Training
builds CompressAI subclasses with the same layers and state-dict keys under the same names
(:mod:`odic.train.models`), so one weights file loads into both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from odic.codec import nets
from odic.codec.latent import CheckerboardLatent, GaussianLatent, SplitParams, Tiler
from odic.codec.nets import NoGain, RateGain
from odic.registry import Registry


def _gaussian_latent(model: nets.Hyperprior, split_params: SplitParams, tiler: Tiler) -> GaussianLatent:
    return GaussianLatent(model, split_params)


def _checkerboard_latent(model: nets.Hyperprior, split_params: SplitParams, tiler: Tiler) -> GaussianLatent:
    assert isinstance(model, nets.CheckerboardHyperprior)
    return CheckerboardLatent(model, split_params, tiler)


@dataclass(frozen=True)
class Architecture:
    """One registered network family."""

    name: str
    #: The codec's inference network.
    coder: Callable[[int, int], nets.Hyperprior]
    split_params: SplitParams
    #: What ``h_a`` sees: ``|y|`` for the scale-only prior, ``y`` when means are coded.
    hyper_input: Callable[[Tensor], Tensor]
    #: Total down-sampling of ``g_a`` followed by ``h_a``: inputs are padded to it.
    stride: int = 64
    #: Down-sampling of ``g_a`` alone: the latent ``y`` is ``H / y_stride`` high.
    y_stride: int = 16
    #: How ``y`` is coded given the hyperprior (:mod:`odic.codec.latent`).
    latent: Callable[[nets.Hyperprior, SplitParams, Tiler], GaussianLatent] = _gaussian_latent


_ARCHITECTURES: Registry[Architecture] = Registry("architecture")

#: Rate levels of the variable-rate architectures; quality q uses level q − 1.
RATE_LEVELS = 8


def split_scale_only(params: Tensor) -> tuple[Tensor, None]:
    return params, None


def split_mean_scale(params: Tensor) -> tuple[Tensor, Tensor]:
    scales, means = params.chunk(2, 1)
    return scales, means


def _identity(y: Tensor) -> Tensor:
    return y


for _arch in (
    # Ballé et al. 2018: zero-mean Gaussian conditioned on a hyperprior.
    Architecture("scale-hyperprior", lambda N, M: nets.scale_hyperprior(N, M, NoGain()), split_scale_only, torch.abs),
    # Minnen et al. 2018 without context model: mean and scale from the hyperprior.
    Architecture("mean-scale-hyperprior", lambda N, M: nets.mean_scale_hyperprior(N, M, NoGain()), split_mean_scale,
                 _identity),
    # The mean-scale hyperprior with RateGain: one network, RATE_LEVELS rates.
    Architecture("gained-mean-scale-hyperprior",
                 lambda N, M: nets.mean_scale_hyperprior(N, M, RateGain(RATE_LEVELS, M)), split_mean_scale, _identity),
    # ... with He et al. 2021's checkerboard context: half the latents predicted from the other half.
    Architecture("gained-checkerboard-hyperprior",
                 lambda N, M: nets.checkerboard_hyperprior(N, M, RateGain(RATE_LEVELS, M)), split_mean_scale,
                 _identity, latent=_checkerboard_latent),
):
    _ARCHITECTURES.add(_arch.name, _arch)


def get_architecture(name: str) -> Architecture:
    return _ARCHITECTURES.get(name)


def list_architectures() -> list[str]:
    return sorted(_ARCHITECTURES.names())


def create_coder(name: str, N: int, M: int, state: dict[str, Tensor] | None = None) -> nets.Hyperprior:
    """The inference network of a registered architecture, with the weights of ``state`` (a
    CompressAI state dict, e.g. a shipped file's or a training model's) when given."""
    coder = get_architecture(name).coder(N, M)
    if state is not None:
        coder.load_weights({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    return coder.eval()
