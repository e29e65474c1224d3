"""Architecture registry: how to build each network and how to read its hyperprior.

Each architecture has two builds of the same layers and state-dict keys: CompressAI's model
for training (:func:`create_model`: likelihoods, auxiliary loss, ``update``), and the codec's
own inference network (:func:`create_coder`, :mod:`odic.codec.nets`), which imports no
CompressAI. A weights manifest says ``"architecture": "mean-scale-hyperprior"`` and either
rebuilds it — the ``@register_model`` / ``create_model`` pattern of timm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, ContextManager, Optional

import torch
from torch import Tensor, nn

from odic.codec import nets
from odic.codec.nets import Level, NoGain, RateGain
from odic.registry import Registry

if TYPE_CHECKING:
    from compressai.models.base import CompressionModel

#: Splits the output of ``h_s`` into the Gaussian ``(scales, means)`` of ``y``.
SplitParams = Callable[[Tensor], tuple[Tensor, Optional[Tensor]]]


@dataclass(frozen=True)
class Architecture:
    """One registered network family."""

    name: str
    #: CompressAI's model, for training.
    build: Callable[[int, int], CompressionModel]
    #: The codec's inference network with the same state-dict keys.
    coder: Callable[[int, int], nets.Hyperprior]
    split_params: SplitParams
    #: What ``h_a`` sees: ``|y|`` for the scale-only prior, ``y`` when means are coded.
    hyper_input: Callable[[Tensor], Tensor]
    #: Total down-sampling of ``g_a`` followed by ``h_a``: inputs are padded to it.
    stride: int = 64
    #: Down-sampling of ``g_a`` alone: the latent ``y`` is ``H / y_stride`` high.
    y_stride: int = 16


_ARCHITECTURES: Registry[Architecture] = Registry("architecture")

#: Rate levels of the variable-rate architectures; quality q uses level q − 1.
RATE_LEVELS = 8


def register_model(name: str, coder: Callable[[int, int], nets.Hyperprior], split_params: SplitParams,
                   hyper_input: Callable[[Tensor], Tensor]) -> Callable:
    """Decorator registering ``build(N, M)`` and its inference twin ``coder(N, M)`` under ``name``."""

    def wrap(build: Callable[[int, int], CompressionModel]) -> Callable[[int, int], CompressionModel]:
        _ARCHITECTURES.add(name, Architecture(name, build, coder, split_params, hyper_input))
        return build

    return wrap


def _scale_only(params: Tensor) -> tuple[Tensor, None]:
    return params, None


def _mean_scale(params: Tensor) -> tuple[Tensor, Tensor]:
    scales, means = params.chunk(2, 1)
    return scales, means


def _with_gain(model: CompressionModel, gain: nn.Module) -> CompressionModel:
    model.rate_gain = gain
    return model


@register_model("scale-hyperprior", lambda N, M: nets.scale_hyperprior(N, M, NoGain()), split_params=_scale_only,
                hyper_input=torch.abs)
def scale_hyperprior(N: int, M: int) -> CompressionModel:
    """Ballé et al. 2018: zero-mean Gaussian conditioned on a hyperprior."""
    from compressai.models import ScaleHyperprior

    return _with_gain(ScaleHyperprior(N, M), NoGain())


@register_model("mean-scale-hyperprior", lambda N, M: nets.mean_scale_hyperprior(N, M, NoGain()),
                split_params=_mean_scale, hyper_input=lambda y: y)
def mean_scale_hyperprior(N: int, M: int) -> CompressionModel:
    """Minnen et al. 2018 without context model: mean and scale from the hyperprior."""
    from compressai.models import MeanScaleHyperprior

    return _with_gain(MeanScaleHyperprior(N, M), NoGain())


@register_model("gained-mean-scale-hyperprior", lambda N, M: nets.mean_scale_hyperprior(N, M, RateGain(RATE_LEVELS, M)),
                split_params=_mean_scale, hyper_input=lambda y: y)
def gained_mean_scale_hyperprior(N: int, M: int) -> CompressionModel:
    """The mean-scale hyperprior with :class:`RateGain`: one network, ``RATE_LEVELS`` rates."""
    from compressai.models import MeanScaleHyperprior

    return _with_gain(MeanScaleHyperprior(N, M), RateGain(RATE_LEVELS, M))


def get_architecture(name: str) -> Architecture:
    return _ARCHITECTURES.get(name)


def list_architectures() -> list[str]:
    return sorted(_ARCHITECTURES.names())


def create_model(name: str, N: int, M: int) -> CompressionModel:
    """Build an untrained CompressAI network of a registered architecture (for training)."""
    return get_architecture(name).build(N, M)


def create_coder(name: str, N: int, M: int, state: Optional[dict[str, Tensor]] = None) -> nets.Hyperprior:
    """The inference network of a registered architecture, with the weights of ``state`` (a
    CompressAI state dict, e.g. a shipped file's or a training model's) when given."""
    coder = get_architecture(name).coder(N, M)
    if state is not None:
        coder.load_weights({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    return coder.eval()


def forward_likelihoods(
    model: CompressionModel, arch: Architecture, x: Tensor, fast: ContextManager, level: Level = 0,
    ste: bool = False,
) -> tuple[Tensor, dict[str, Tensor]]:
    """Training-time forward pass (noise quantisation) with mixed precision.

    Same result as CompressAI's ``model(x)`` up to precision, but only the
    transforms run under ``fast``; gains, entropy models and ``h_s`` stay fp32.

    ``ste``: the synthesis sees the latent rounded as the decoder will see it
    (straight-through gradient), while the rate still comes from the noisy one
    ("mixed" quantisation, Minnen & Singh 2020). Uniform noise misleads the
    synthesis at low rates, where rounding sends most latents exactly to their
    mean but noise moves every one of them by up to half a step.
    """
    with fast:
        y = model.g_a(x)
    y = model.rate_gain.scale(y.float(), level)
    with fast:
        z = model.h_a(arch.hyper_input(y))
    z_hat, z_likelihoods = model.entropy_bottleneck(z.float())
    scales, means = arch.split_params(model.h_s(z_hat))
    y_hat, y_likelihoods = model.gaussian_conditional(y, scales, means=means)
    if ste and model.training:
        centre = 0 if means is None else means
        y_hat = y + (torch.round(y - centre) + centre - y).detach()
    with fast:
        x_hat = model.g_s(model.rate_gain.unscale(y_hat, level))
    return x_hat.float(), {"y": y_likelihoods, "z": z_likelihoods}
