"""The Pillow plugin: Image.open and Image.save speak .odic."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, UnidentifiedImageError

import odic
import odic.pillow
from tests.conftest import random_image


@pytest.fixture(autouse=True)
def _registered() -> None:
    odic.pillow.register()


def test_open_reads_the_header_and_decodes_on_load(tmp_path: Path) -> None:
    data = odic.encode(random_image(40, 56), alpha=1.0, quality=1)
    path = tmp_path / "x.odic"
    path.write_bytes(data)
    with Image.open(path) as image:
        assert (image.format, image.size, image.mode) == ("ODIC", (56, 40), "RGB")
        assert image.info["odic_alpha"] == 1.0 and image.info["odic_quality"] == 1
        pixels = np.asarray(image)
    np.testing.assert_array_equal(pixels, np.asarray(odic.decode(data)))
    assert Image.registered_extensions()[".odic"] == "ODIC"


def test_save_takes_the_arguments_of_encode(tmp_path: Path) -> None:
    source = Image.fromarray(random_image(24, 24, channels=1), "L")
    path = tmp_path / "gray.odic"
    source.save(path, observer="human", quality=2)  # the format follows from the extension
    with Image.open(path) as image:
        assert image.mode == "L" and image.info["odic_alpha"] == 0.0 and image.info["odic_quality"] == 2
        image.load()
    buffer = io.BytesIO()
    Image.fromarray(random_image(8, 8, channels=4), "RGBA").save(buffer, format="ODIC", drop_alpha=True)
    assert Image.open(buffer).size == (8, 8)
    with pytest.raises(odic.OdicError, match="alpha"):
        Image.fromarray(random_image(8, 8, channels=4), "RGBA").save(io.BytesIO(), format="ODIC")
    picture = Image.fromarray(random_image(48, 64))
    largest = len(odic.encode(picture, alpha=0.0, quality=2))
    buffer = io.BytesIO()
    picture.save(buffer, format="ODIC", size=largest - 1)  # the test networks' q1 fits, q2 does not
    assert Image.open(buffer).info["odic_quality"] == 1


def test_a_damaged_file_is_not_identified(tmp_path: Path) -> None:
    data = bytearray(odic.encode(random_image(16, 16), alpha=0.0, quality=1))
    data[-3] ^= 0xFF
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(bytes(data)))
