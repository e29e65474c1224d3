"""Classical codecs: each round-trips, and the target-bpp search lands near its target."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from odic.baselines import encode_at_bpp, get_codec, list_codecs
from odic.metrics import psnr
from tests.conftest import random_image

IMAGE = Image.fromarray(random_image(96, 128, seed=3))


@pytest.mark.parametrize("name", list_codecs())
def test_round_trip(name: str) -> None:
    codec = get_codec(name)
    data = codec.encode(IMAGE, codec.high)
    decoded = codec.decode(data)
    assert decoded.size == IMAGE.size and decoded.mode == "RGB"
    assert psnr(np.asarray(IMAGE), np.asarray(decoded)) > 28


@pytest.mark.parametrize("name", list_codecs())
def test_more_quality_never_fewer_bytes(name: str) -> None:
    codec = get_codec(name)
    mid = (codec.low + codec.high) / 2
    assert len(codec.encode(IMAGE, codec.low)) <= len(codec.encode(IMAGE, mid)) <= len(codec.encode(IMAGE, codec.high))


@pytest.mark.parametrize("name", list_codecs())
def test_target_bpp_search(name: str) -> None:
    codec = get_codec(name)
    result = encode_at_bpp(codec, IMAGE, 1.0)
    assert result.bpp == pytest.approx(8 * len(result.data) / (96 * 128))
    assert abs(result.bpp - 1.0) < 0.35, result.bpp


@pytest.mark.parametrize("name", ["jpegxl-half", "webp-half"])
def test_half_resolution_codes_below_the_native_floor(name: str) -> None:
    """At the same setting, the half-resolution stream is smaller, and odd sizes come back exactly."""
    half, native = get_codec(name), get_codec(name.removesuffix("-half"))
    odd = IMAGE.crop((0, 0, 127, 95))
    assert len(half.encode(odd, half.low)) < len(native.encode(odd, native.low))
    assert half.decode(half.encode(odd, half.low)).size == (127, 95)
