"""One interface for odic's networks and the classical codecs (odic.codecs)."""

from __future__ import annotations

import numpy as np
import pytest

from odic import codecs
from odic.codec.image import load_image
from tests.conftest import random_image


@pytest.mark.parametrize("name", ["odic:0", "odic:1", "jpeg", "webp"])
def test_every_codec_codes_through_one_interface(name: str) -> None:
    image = load_image(random_image(48, 64, seed=1))
    codec = codecs.get(name)
    assert codec.name == name and codec.ladder()
    coded = codec.encode(image, decoded=True)
    assert coded.pixels is not None and coded.pixels.shape == (48, 64, 3)
    np.testing.assert_array_equal(np.asarray(codec.decode(coded.data).convert("RGB")), coded.pixels)
    assert codec.encode(image, coded.setting).data == coded.data  # the setting it reports makes the same file
    target = codec.encode_to_bpp(image, 8 * len(coded.data) / (48 * 64))
    assert target.pixels is None and len(target.data) > 0
    assert codec.stamp(None, 0.3)["target_bpp"] == 0.3


def test_odic_alone_takes_the_alpha_it_is_given() -> None:
    assert codecs.get("odic", alpha=1.0).name == "odic:1"
    assert codecs.get("odic").name == "odic:0"
