"""Bjøntegaard delta rate (VCEG-M33, 2001): average bitrate difference at equal quality.

Fits log-rate as a cubic polynomial of quality for the reference and the test
codec, integrates both over the quality range they share, and turns the mean
log difference into a percentage. Negative = the test codec needs fewer bits.
Quality may be PSNR, MS-SSIM (in dB: −10·log10(1 − MS-SSIM)) or top-1 accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def msssim_db(value: float) -> float:
    """MS-SSIM on a dB scale, where its curves are closer to linear in log-rate."""
    return -10.0 * math.log10(max(1e-10, 1.0 - value))


def bd_rate(ref_rate: Sequence[float], ref_quality: Sequence[float],
            test_rate: Sequence[float], test_quality: Sequence[float],
            rates: tuple[float, float] | None = None) -> float:
    """BD-rate in percent; NaN when the curves share no quality range or have < 4 points.

    ``rates = (low, high)`` bpp narrows the integral to the qualities the reference reaches between
    those rates (its points joined linearly in log-rate): a target stated for a rate range, such
    as 0.1–0.5 bpp, is then not diluted by where the curves meet outside it.
    """
    if min(len(ref_rate), len(test_rate)) < 4:
        return float("nan")
    log_ref, log_test = np.log(np.asarray(ref_rate, float)), np.log(np.asarray(test_rate, float))
    q_ref, q_test = np.asarray(ref_quality, float), np.asarray(test_quality, float)
    low, high = max(q_ref.min(), q_test.min()), min(q_ref.max(), q_test.max())
    if rates is not None:
        order = np.argsort(log_ref)
        q_low, q_high = np.interp(np.log(rates), log_ref[order], q_ref[order])
        low, high = max(low, q_low), min(high, q_high)
    if not high > low:
        return float("nan")
    integrals = []
    for q, log_r in ((q_ref, log_ref), (q_test, log_test)):
        poly = np.polyint(np.polyfit(q, log_r, 3))
        integrals.append((np.polyval(poly, high) - np.polyval(poly, low)) / (high - low))
    return float((math.exp(integrals[1] - integrals[0]) - 1.0) * 100.0)
