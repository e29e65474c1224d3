"""Input policy: which images are accepted, converted, or refused (in-process)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from odic.codec.image import ImageConversionWarning, load_image
from odic.errors import ImageInputError, ImageTooLargeError
from tests.conftest import random_image


def _png(im: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, format=fmt)
    return buffer.getvalue()


def test_rgb_passes_through() -> None:
    a = random_image(20, 30)
    loaded = load_image(_png(Image.fromarray(a)))
    assert not loaded.grayscale
    np.testing.assert_array_equal(loaded.rgb, a)


def test_grayscale_is_flagged() -> None:
    loaded = load_image(_png(Image.fromarray(random_image(20, 30, channels=1), "L")))
    assert loaded.grayscale and loaded.rgb.shape == (20, 30, 3)


def test_rgba_refused_unless_alpha_dropped() -> None:
    data = _png(Image.fromarray(random_image(8, 8, channels=4), "RGBA"))
    with pytest.raises(ImageInputError, match="alpha"):
        load_image(data)
    assert load_image(data, drop_alpha=True).rgb.shape == (8, 8, 3)


def test_sixteen_bit_is_scaled_with_a_warning() -> None:
    wide = (np.arange(64, dtype=np.uint16).reshape(8, 8) * 1000).astype(np.uint16)
    im = Image.fromarray(wide)
    with pytest.warns(ImageConversionWarning):
        loaded = load_image(_png(im))
    expected = np.rint(wide / 65535 * 255).astype(np.uint8)
    np.testing.assert_array_equal(loaded.rgb[..., 0], expected)


def test_cmyk_and_palette_are_converted() -> None:
    rgb = Image.fromarray(random_image(16, 16))
    cmyk = load_image(_png(rgb.convert("CMYK"), "JPEG"))
    assert cmyk.rgb.shape == (16, 16, 3)
    palette = load_image(_png(rgb.convert("P")))
    assert palette.rgb.shape == (16, 16, 3) and not palette.grayscale


def test_not_an_image() -> None:
    with pytest.raises(ImageInputError, match="not an image"):
        load_image(b"hello, world")


def test_truncated_png() -> None:
    data = _png(Image.fromarray(random_image(64, 64)))
    with pytest.raises(ImageInputError, match="truncated"):
        load_image(data[: len(data) // 2])


def test_pixel_limit_is_checked_before_decoding() -> None:
    data = _png(Image.new("RGB", (100, 100)))
    with pytest.raises(ImageTooLargeError):
        load_image(data, max_pixels=9_999)
    assert load_image(data, max_pixels=10_000).rgb.shape == (100, 100, 3)


def test_arrays() -> None:
    assert load_image(random_image(5, 7, channels=1)).grayscale
    with pytest.raises(ImageInputError):
        load_image(np.zeros((4, 4, 3), dtype=np.float32))


def _png16_rgb(a: np.ndarray) -> bytes:
    """A 16-bit RGB PNG, written by hand: Pillow writes none."""
    import struct
    import zlib

    h, w, _ = a.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + a[y].astype(">u2").tobytes() for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_sixteen_bit_colour_warns_too() -> None:
    a = (np.arange(8 * 8 * 3).reshape(8, 8, 3) * 300).astype(np.uint16)
    with pytest.warns(ImageConversionWarning, match="16-bit RGB"):
        loaded = load_image(_png16_rgb(a))
    assert np.abs(loaded.rgb.astype(int) - (a >> 8)).max() <= 1
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", ImageConversionWarning)
        load_image(_png(Image.fromarray(random_image(8, 8))))  # 8-bit RGB: no warning


def _display_p3_profile() -> bytes:
    """A minimal ICC v2 RGB display profile (Display P3 primaries adapted to D50, gamma 2.2):
    enough for LittleCMS, and no ICC file needs to ship with the tests."""
    import struct

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    name = b"Display P3 (odic test)\0"
    desc = b"desc" + bytes(4) + struct.pack(">I", len(name)) + name + bytes(4 + 4 + 2 + 1 + 67)
    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0233) + bytes(2)
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(0.5151, 0.2412, -0.0011)),
            (b"gXYZ", xyz(0.2920, 0.6922, 0.0419)), (b"bXYZ", xyz(0.1571, 0.0666, 0.7841)),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve), (b"cprt", b"text" + bytes(4) + b"none\0\0\0\0")]
    offset, table, body = 128 + 4 + 12 * len(tags), b"", b""
    for signature, data in tags:
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data + bytes(-len(data) % 4)
    size = 128 + 4 + len(table) + len(body)
    header = (struct.pack(">I", size) + bytes(4) + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ " + bytes(12)
              + b"acsp" + bytes(24) + bytes(4) + s15(0.9642) + s15(1.0) + s15(0.8249) + bytes(48))
    return header + struct.pack(">I", len(tags)) + table + body


def test_a_colour_profile_other_than_srgb_is_converted_with_a_warning() -> None:
    rgb = random_image(24, 32)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG", icc_profile=_display_p3_profile())
    with pytest.warns(ImageConversionWarning, match="Display P3.*to sRGB"):
        converted = load_image(buffer.getvalue()).rgb
    # P3's red lies outside sRGB: saturated reds clip, and the rest moves measurably.
    assert np.abs(converted.astype(int) - rgb).mean() > 1
    assert np.array_equal(load_image(buffer.getvalue(), to_srgb=False).rgb, rgb)  # benchmarks: pixels as stored
    from PIL import ImageCms

    srgb = io.BytesIO()
    Image.fromarray(rgb).save(srgb, "PNG", icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    assert np.array_equal(load_image(srgb.getvalue()).rgb, rgb)  # an sRGB profile changes nothing
