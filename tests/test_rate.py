"""Qualities between the shipped ones, and encoding to a file size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import odic
from odic.codec import bitstream, zoo
from odic.codec.image import load_image
from odic.codec.nets import GainMix
from odic.codec.target import encode_to_size
from odic.errors import ArgumentError, UnknownModelError
from tests.conftest import random_image, run_cli, shipped_weights


def _card(quality: float, level: int, resample: int) -> zoo.ModelCard:
    return zoo.ModelCard(file="w.pt", sha256="ab" * 32, architecture="gained-mean-scale-hyperprior", N=8, M=8,
                         alpha=0.0, quality=quality, lmbda=1.0, level=level, resample=resample, kodak={"bpp": 1.0},
                         path=Path("w.pt"))


LADDER = [_card(1, 0, 2), _card(2, 1, 2), _card(3, 2, 1), _card(5, 4, 1), _card(8, 7, 1)]


def test_between_two_qualities_of_one_picture_size_the_gains_interpolate() -> None:
    card = zoo.between(LADDER, 4.5)
    assert card.level == GainMix(2, 4, 0.75) and card.resample == 1 and card.quality == 4.5
    assert card.kodak == {}  # figures measured for a shipped quality are not this one's
    assert zoo.between(LADDER, 1.25).level == GainMix(0, 1, 0.25)
    assert zoo.between(LADDER, 1.25).resample == 2


def test_below_a_change_of_picture_size_the_quality_above_extrapolates() -> None:
    card = zoo.between(LADDER, 2.5)
    assert card.resample == 1 and card.level == GainMix(2, 4, -0.5 * zoo.GAP_REACH)
    with pytest.raises(UnknownModelError):
        zoo.between(LADDER[2:], 2.0)  # at most one quality below
    with pytest.raises(UnknownModelError):
        zoo.between(LADDER, 8.5)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_fractional_qualities_round_trip(alpha: float) -> None:
    image = load_image(random_image(70, 90, seed=4))
    with shipped_weights():
        for quality in (1.5, 2.5, 4.25):
            encoded = odic.load_codec(alpha, quality).encode_image(image, reconstruct=True)
            header = bitstream.parse(encoded.data).header
            assert (header.quality, header.version) == (quality, 2)
            np.testing.assert_array_equal(np.asarray(odic.decode(encoded.data)), encoded.reconstruction)


def test_rate_rises_with_quality_at_each_picture_size() -> None:
    image = random_image(192, 256, seed=5)
    with shipped_weights():
        for qualities in ([1, 1.25, 1.5, 1.75, 2], [2.25, 2.5, 2.75, 3, 3.5, 4, 5, 6, 7, 7.5, 8]):
            sizes = [len(odic.encode(image, alpha=0.0, quality=q)) for q in qualities]
            assert sizes == sorted(sizes), (qualities, sizes)


def test_encode_to_size_takes_the_highest_quality_that_fits() -> None:
    image = load_image(random_image(128, 192, seed=6))
    with shipped_weights():
        budget = len(odic.encode(image.rgb, alpha=0.0, quality=4)) - 50
        encoded = encode_to_size(image, 0.0, budget)
        quality = bitstream.parse(encoded.data).header.quality
        assert encoded.num_bytes <= budget and 3 < quality < 4
        above = odic.encode(image.rgb, alpha=0.0, quality=quality + 1 / bitstream.QUALITY_STEPS)
        assert len(above) > budget
        assert odic.encode(image.rgb, alpha=0.0, size=budget) == encoded.data
        tiny = encode_to_size(image, 0.0, 10)  # below the lowest quality: its file, for the caller to judge
        assert bitstream.parse(tiny.data).header.quality == 1


def test_single_rate_networks_search_their_shipped_qualities_only() -> None:
    image = load_image(random_image(64, 64, seed=7))  # the test networks: q2 codes more bits than q1
    sizes = [len(odic.encode(image.rgb, alpha=0.0, quality=q)) for q in (1, 2)]
    for budget, quality in ((sizes[1], 2), (sizes[1] - 1, 1)):  # nothing lies between two single-rate networks
        encoded = encode_to_size(image, 0.0, budget)
        assert bitstream.parse(encoded.data).header.quality == quality


def test_a_rate_is_set_once() -> None:
    with pytest.raises(ArgumentError):
        odic.encode(random_image(8, 8), quality=2, bpp=0.5)
    with pytest.raises(ArgumentError):
        odic.encode(random_image(8, 8), size=0)


def test_cli_encodes_to_a_size(tmp_path: Path) -> None:
    source = tmp_path / "a.png"
    from PIL import Image

    Image.fromarray(random_image(64, 96, seed=8)).save(source)
    done = run_cli("encode", str(source), "--size", "1KB", "-o", str(tmp_path / "a.odic"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "a.odic").stat().st_size <= 1000
    done = run_cli("encode", str(source), "--size", "1 parsec", "-o", str(tmp_path / "b.odic"))
    assert done.returncode == 2 and b"size" in done.stderr
