"""BD-rate against cases that can be checked by hand."""

from __future__ import annotations

import math

import pytest

from odic.eval.bjontegaard import bd_rate, msssim_db

RATES = [0.1, 0.25, 0.5, 1.0]
PSNR = [27.0, 30.0, 33.0, 36.5]


def test_identical_curves_give_zero() -> None:
    assert bd_rate(RATES, PSNR, RATES, PSNR) == pytest.approx(0.0, abs=1e-9)


def test_half_the_bits_everywhere_is_minus_fifty_percent() -> None:
    assert bd_rate(RATES, PSNR, [r / 2 for r in RATES], PSNR) == pytest.approx(-50.0, abs=1e-6)


def test_ten_percent_more_bits_is_plus_ten() -> None:
    assert bd_rate(RATES, PSNR, [r * 1.1 for r in RATES], PSNR) == pytest.approx(10.0, abs=1e-6)


def test_disjoint_or_short_curves_are_nan() -> None:
    assert math.isnan(bd_rate(RATES, PSNR, RATES, [q + 20 for q in PSNR]))
    assert math.isnan(bd_rate(RATES[:3], PSNR[:3], RATES, PSNR))


def test_msssim_db() -> None:
    assert msssim_db(0.9) == pytest.approx(10.0)
    assert msssim_db(0.99) == pytest.approx(20.0)
