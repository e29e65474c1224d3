"""Widening a variable-rate network's ladder: new rate levels started where they should end.

A gained network's rate gains move slowly in training (they share a scale with ``g_a``), so a new
rate level trained from zero gains would spend thousands of steps just reaching its rate. Instead,
a new level starts at log-gains extrapolated along the trained ladder,
``base + t·(base − toward)``, with ``t`` solved so that the level codes a fixed batch at a target
bpp; fine-tuning then only has to adapt the transforms to it.
"""

from __future__ import annotations

import torch
from torch import Tensor

from odic.codec.nets import RateGain
from odic.train.models import GainedHyperprior


@torch.no_grad()
def level_bpp(model: GainedHyperprior, x: Tensor, level: int) -> float:
    """Rate of ``x`` at ``level`` from the entropy models' likelihoods (rounding, no noise)."""
    model.eval()
    bits = sum(-torch.log2(lik).sum() for lik in model(x, level)["likelihoods"].values())
    return float(bits) / (x.shape[0] * x.shape[2] * x.shape[3])


@torch.no_grad()
def extrapolate_level(model: GainedHyperprior, x: Tensor, level: int, base: int, toward: int,
                      target_bpp: float, t_max: float = 4.0, iters: int = 12) -> tuple[float, float]:
    """Set ``level``'s gains to ``base + t·(base − toward)`` with ``t`` ∈ [0, t_max] bisected so
    that ``x`` codes at ``target_bpp``; returns ``(t, bpp reached)``.

    ``toward`` is the neighbour the new level moves away from: a level above ``base`` to go down
    the ladder, one below it to go up. A target beyond ``t_max`` stops there (the bpp says so).
    """
    gain = _gains(model)
    g, ig = gain.log_gain.data, gain.log_inv_gain.data
    g0, ig0 = g[base].clone(), ig[base].clone()
    dg, dig = g0 - g[toward], ig0 - ig[toward]

    def rate(t: float) -> float:
        g[level], ig[level] = g0 + t * dg, ig0 + t * dig
        return level_bpp(model, x, level)

    rising = rate(1.0) > rate(0.0)
    lo, hi = 0.0, t_max
    for _ in range(iters):
        mid = (lo + hi) / 2
        if (rate(mid) < target_bpp) == rising:
            lo = mid
        else:
            hi = mid
    t = (lo + hi) / 2
    return t, rate(t)


@torch.no_grad()
def copy_level(model: GainedHyperprior, src: int, dst: int) -> None:
    """Give level ``dst`` the gains of level ``src`` (moving a trained rate up the quality index)."""
    gain = _gains(model)
    gain.log_gain.data[dst] = gain.log_gain.data[src]
    gain.log_inv_gain.data[dst] = gain.log_inv_gain.data[src]


def _gains(model: GainedHyperprior) -> RateGain:
    if not isinstance(model.rate_gain, RateGain):
        raise ValueError("a single-rate network has no rate levels")
    return model.rate_gain
