"""The networks as training sees them: CompressAI's hyperpriors with odic's rate gain.

Each class is a CompressAI ``CompressionModel`` subclass (its entropy models give likelihoods,
the auxiliary loss and ``update``) whose pipeline is split into the three parts that training,
validation and the ladder tools each need: :meth:`analyse` (``g_a`` and the rate gain),
:meth:`hyperprior` (``h_a``, the factorised prior, ``h_s``) and :meth:`synthesise` (inverse gain
and ``g_s``). ``forward`` chains them. The state-dict keys are CompressAI's, plus ``rate_gain.*``
for the variable-rate network, so one weights file loads here and into the codec's inference
network (:func:`odic.codec.models.create_coder`). Architectures are registered under the names
the weights manifest uses, timm's ``@register_model`` / ``create_model`` pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import torch
from compressai.layers import CheckerboardMaskedConv2d
from compressai.models import MeanScaleHyperprior, ScaleHyperprior
from compressai.models.base import CompressionModel
from torch import Tensor, nn

from odic.codec.models import RATE_LEVELS, get_architecture, split_mean_scale, split_scale_only
from odic.codec.nets import Level, NoGain, RateGain, anchor_mask
from odic.registry import Registry

_MODELS: Registry[Callable[[int, int], GainedHyperprior]] = Registry("architecture")


def register_model(name: str) -> Callable:
    """Register ``build(N, M)`` under an architecture name the codec's registry also knows."""

    def wrap(build: Callable[[int, int], GainedHyperprior]) -> Callable[[int, int], GainedHyperprior]:
        get_architecture(name)  # a training model the codec could not run would be useless
        _MODELS.add(name, build)
        return build

    return wrap


def create_model(name: str, N: int, M: int) -> GainedHyperprior:
    """An untrained network of a registered architecture."""
    return _MODELS.get(name)(N, M)


class GainedHyperprior(CompressionModel):
    """The pipeline shared by the hyperpriors below, in three parts.

    ``fast`` is the context the transforms run under (bf16 autocast where the CPU has it,
    :func:`odic.codec.precision.fast_context`); gains, entropy models and ``h_s`` stay fp32,
    because the rate and the decoder's symbols depend on them exactly.
    """

    rate_gain: RateGain | NoGain
    fast: AbstractContextManager

    @staticmethod
    def hyper_input(y: Tensor) -> Tensor:
        return y

    @staticmethod
    def split_params(params: Tensor) -> tuple[Tensor, Tensor | None]:
        return split_mean_scale(params)

    def _gained(self, rate_gain: RateGain | NoGain) -> None:
        self.rate_gain = rate_gain
        self.fast = nullcontext()

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> Any:
        """Load weights, but keep the entropy models' likelihood bounds (1e-9) as constructed.

        The bounds are constants of the loss, stored as buffers: a file saved in fp16 (as shipped
        weights are) holds 0 for them, and a zero bound turns one improbable latent into an
        infinite rate, which skips the training step.
        """
        bounds = {k: v.clone() for k, v in self.state_dict().items() if k.endswith("likelihood_lower_bound.bound")}
        result = super().load_state_dict(state_dict, strict)
        with torch.no_grad():
            for key, value in bounds.items():
                self.get_buffer(key).copy_(value)
        return result

    def analyse(self, x: Tensor, level: Level = 0) -> Tensor:
        """The gained latent ``y`` of ``x`` (unquantised)."""
        with self.fast:
            y = self.g_a(x)
        return self.rate_gain.scale(y.float(), level)

    def hyperprior(self, y: Tensor) -> tuple[Tensor, Tensor]:
        """``(z likelihoods, h_s output)``: the side information about ``y``."""
        with self.fast:
            z = self.h_a(self.hyper_input(y))
        z_hat, z_likelihoods = self.entropy_bottleneck(z.float())
        return z_likelihoods, self.h_s(z_hat)

    def gaussian_params(self, y: Tensor, hyper: Tensor) -> tuple[Tensor, Tensor | None]:
        """``(scales, means)`` of the Gaussian that codes ``y``: here the hyperprior's alone."""
        return self.split_params(hyper)

    def synthesise(self, y_hat: Tensor, level: Level = 0) -> Tensor:
        """The picture of a (quantised or not) gained latent."""
        with self.fast:
            x_hat = self.g_s(self.rate_gain.unscale(y_hat, level))
        return x_hat.float()

    def forward(self, x: Tensor, level: Level = 0, ste: bool = False) -> dict:
        """CompressAI's forward pass (noise quantisation) at one rate level.

        ``ste``: the synthesis sees the latent rounded as the decoder will see it (straight-through
        gradient), while the rate still comes from the noisy one ("mixed" quantisation, Minnen &
        Singh 2020). Uniform noise misleads the synthesis at low rates, where rounding sends most
        latents exactly to their mean but noise moves every one of them by up to half a step.
        """
        y = self.analyse(x, level)
        z_likelihoods, hyper = self.hyperprior(y)
        scales, means = self.gaussian_params(y, hyper)
        y_hat, y_likelihoods = self.gaussian_conditional(y, scales, means=means)
        if ste and self.training:
            centre = 0 if means is None else means
            y_hat = y + (torch.round(y - centre) + centre - y).detach()
        return {"x_hat": self.synthesise(y_hat, level), "likelihoods": {"y": y_likelihoods, "z": z_likelihoods}}


class GainedScaleHyperprior(GainedHyperprior, ScaleHyperprior):
    """Ballé et al. 2018: a zero-mean Gaussian conditioned on a hyperprior of ``|y|``."""

    def __init__(self, N: int, M: int, levels: int = 1) -> None:
        super().__init__(N, M)
        self._gained(RateGain(levels, M) if levels > 1 else NoGain())

    @staticmethod
    def hyper_input(y: Tensor) -> Tensor:
        return y.abs()

    @staticmethod
    def split_params(params: Tensor) -> tuple[Tensor, Tensor | None]:
        return split_scale_only(params)


class CheckerboardMask(CheckerboardMaskedConv2d):
    """CompressAI's checkerboard-masked convolution whose mask is built, not stored: 3.7 MB of
    zeros and ones in an fp16 weights file that the codec never reads (it runs only the unmasked
    taps, :class:`odic.codec.nets.CheckerboardContext`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register_buffer("mask", self.mask, persistent=False)

    def _load_from_state_dict(self, state_dict: dict[str, Any], prefix: str, *args: Any) -> None:
        state_dict.pop(prefix + "mask", None)  # files saved with CompressAI's layer hold it
        super()._load_from_state_dict(state_dict, prefix, *args)


class GainedMeanScaleHyperprior(GainedHyperprior, MeanScaleHyperprior):
    """Minnen et al. 2018 without context model: mean and scale from the hyperprior; with
    ``levels`` > 1, one network codes that many rates through :class:`RateGain`."""

    def __init__(self, N: int, M: int, levels: int = 1) -> None:
        super().__init__(N, M)
        self._gained(RateGain(levels, M) if levels > 1 else NoGain())


class GainedCheckerboardHyperprior(GainedMeanScaleHyperprior):
    """The gained mean-scale hyperprior with He et al. 2021's checkerboard context.

    Half the latents (the anchors, a checkerboard) are coded with the hyperprior's Gaussian; the
    other half with a correction to it that ``entropy_parameters`` makes from the decoded anchors
    around each (``context_prediction``, a masked 5 × 5 convolution) and the hyperprior's
    parameters. Decoding takes two passes instead of the M-step raster scan of Minnen et al.'s
    autoregressive context. The correction's last layer starts at zero, so a network fine-tuned
    from a trained hyperprior starts at that network's rate and only the context has to learn.
    """

    def __init__(self, N: int, M: int, levels: int = 1) -> None:
        super().__init__(N, M, levels)
        self.context_prediction = CheckerboardMask(M, 2 * M, kernel_size=5, padding=2)
        last = nn.Conv2d(3 * M, 2 * M, 1)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)  # type: ignore[arg-type]  # a Conv2d made with bias=True has one
        self.entropy_parameters = nn.Sequential(nn.Conv2d(4 * M, 3 * M, 1), nn.LeakyReLU(), last)

    def gaussian_params(self, y: Tensor, hyper: Tensor) -> tuple[Tensor, Tensor | None]:
        anchors = anchor_mask(y)
        _, means = self.split_params(hyper)
        assert means is not None
        # The anchors as the decoder has them when it predicts the rest: rounded around their
        # means, with a straight-through gradient.
        y_anchors = (y + (torch.round(y - means) + means - y).detach()) * anchors
        params = hyper + self.entropy_parameters(torch.cat([self.context_prediction(y_anchors), hyper], 1))
        return self.split_params(torch.lerp(params, hyper, anchors))

    def compress(self, x: Tensor, level: Level = 0) -> dict:
        """CompressAI's coding path, two passes: strings ``[z, anchors, the rest]`` (the reference
        the codec's speed is measured against, ``odic lab bench``; files are the codec's)."""
        y = self.analyse(x, level)
        z = self.h_a(y)
        z_strings = self.entropy_bottleneck.compress(z)
        hyper = self.h_s(self.entropy_bottleneck.decompress(z_strings, z.shape[-2:]))
        strings = [z_strings]
        for half, (scales, means) in zip(self._halves(y), (self.split_params(hyper), self.gaussian_params(y, hyper))):
            strings.append(self.gaussian_conditional.compress(
                self._take(y, half), self.gaussian_conditional.build_indexes(self._take(scales, half)),
                means=self._take(means, half)))
        return {"strings": strings, "shape": z.shape[-2:]}

    def decompress(self, strings: list, shape: torch.Size, level: Level = 0) -> dict:
        hyper = self.h_s(self.entropy_bottleneck.decompress(strings[0], shape))
        y_hat = hyper.new_zeros(hyper.shape[0], hyper.shape[1] // 2, *hyper.shape[2:])
        anchors, others = self._halves(y_hat)

        def decode(string: list, half: Tensor, scales: Tensor, means: Tensor | None) -> None:
            y_hat[half] = self.gaussian_conditional.decompress(
                string, self.gaussian_conditional.build_indexes(self._take(scales, half)),
                means=self._take(means, half)).view(-1)

        decode(strings[1], anchors, *self.split_params(hyper))
        decode(strings[2], others, *self.gaussian_params(y_hat, hyper))  # the anchors known: the rest's
        return {"x_hat": self.synthesise(y_hat, level).clamp(0, 1)}

    @staticmethod
    def _halves(y: Tensor) -> tuple[Tensor, Tensor]:
        anchors = anchor_mask(y).bool().expand_as(y)
        return anchors, ~anchors

    @staticmethod
    def _take(t: Tensor | None, half: Tensor) -> Tensor:
        assert t is not None
        return t[half].view(t.shape[0], -1)


@register_model("scale-hyperprior")
def scale_hyperprior(N: int, M: int) -> GainedHyperprior:
    return GainedScaleHyperprior(N, M)


@register_model("mean-scale-hyperprior")
def mean_scale_hyperprior(N: int, M: int) -> GainedHyperprior:
    return GainedMeanScaleHyperprior(N, M)


@register_model("gained-mean-scale-hyperprior")
def gained_mean_scale_hyperprior(N: int, M: int) -> GainedHyperprior:
    return GainedMeanScaleHyperprior(N, M, RATE_LEVELS)


@register_model("gained-checkerboard-hyperprior")
def gained_checkerboard_hyperprior(N: int, M: int) -> GainedHyperprior:
    return GainedCheckerboardHyperprior(N, M, RATE_LEVELS)
