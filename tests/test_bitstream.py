"""The .odic container: header round trip, size, and every way a file can be wrong."""

from __future__ import annotations

import random
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odic.codec import bitstream
from odic.codec.bitstream import FORMAT_VERSION, Header
from odic.errors import CorruptDataError, NotOdicError, UnsupportedVersionError

headers = st.builds(
    Header,
    model_id=st.binary(min_size=4, max_size=4),
    alpha=st.integers(0, 100).map(lambda a: a / 100),
    quality=st.integers(0, 256 * bitstream.QUALITY_STEPS - 1).map(lambda k: k / bitstream.QUALITY_STEPS),
    height=st.integers(1, bitstream.MAX_SIDE),
    width=st.integers(1, bitstream.MAX_SIDE),
    grayscale=st.booleans(),
    len_z=st.integers(0, 5000),
    len_y=st.integers(0, 5000),
    symbols_crc=st.integers(0, 2**32 - 1),
    resample=st.sampled_from([1, 2]),
)


@settings(max_examples=300, deadline=None)
@given(header=headers, seed=st.integers(0, 2**16))
def test_header_round_trip(header: Header, seed: int) -> None:
    rng = random.Random(seed)
    z = bytes(rng.randrange(256) for _ in range(header.len_z))
    y = bytes(rng.randrange(256) for _ in range(header.len_y))
    data = bitstream.serialize(header, z, y)
    parsed = bitstream.parse(data)
    assert parsed.header == header
    assert (parsed.z_string, parsed.y_string) == (z, y)
    assert len(data) == parsed.header_size + len(z) + len(y)


def test_header_fits_32_bytes_for_a_normal_image() -> None:
    # 24 Mpx photo with a 2 MB latent string: still ≤ 32 bytes of header.
    header = Header(b"abcd", 0.5, 3, 4000, 6000, False, len_z=9000, len_y=2_000_000, symbols_crc=1)
    data = bitstream.serialize(header, bytes(9000), bytes(2_000_000))
    assert bitstream.parse(data).header_size <= 32


def _sample() -> bytes:
    return bitstream.serialize(Header(b"\x01\x02\x03\x04", 1.0, 2, 65, 33, True, 3, 5, 7), b"zzz", b"yyyyy")


def test_bad_magic() -> None:
    with pytest.raises(NotOdicError):
        bitstream.parse(b"\x89PNG\r\n\x1a\n" + bytes(40))
    with pytest.raises(NotOdicError):
        bitstream.parse(b"")


def test_newer_version_is_refused_with_its_own_error() -> None:
    data = bytearray(_sample())
    data[4] = FORMAT_VERSION + 1
    with pytest.raises(UnsupportedVersionError, match="newer"):
        bitstream.parse(bytes(data))


@pytest.mark.parametrize("cut", [5, 12, 16, 20, -1])
def test_truncated(cut: int) -> None:
    with pytest.raises(CorruptDataError):
        bitstream.parse(_sample()[:cut])


def test_trailing_bytes() -> None:
    with pytest.raises(CorruptDataError, match="trailing"):
        bitstream.parse(_sample() + b"\0")


@pytest.mark.parametrize("position", range(5, 30))
def test_any_flipped_byte_after_the_version_is_detected(position: int) -> None:
    data = bytearray(_sample())
    data[position] ^= 0x10
    with pytest.raises(CorruptDataError):
        bitstream.parse(bytes(data))


def test_crc_covers_header_and_payload() -> None:
    data = _sample()
    body = len(data) - 8
    assert zlib.crc32(data[body:], zlib.crc32(data[: body - 4])) == int.from_bytes(data[body - 4 : body], "little")


def _header(quality: float) -> Header:
    return Header(model_id=b"abcd", alpha=0.5, quality=quality, height=10, width=20, grayscale=False, len_z=1,
                  len_y=2, symbols_crc=7)


def test_a_whole_quality_is_written_as_version_1_and_a_fraction_as_version_2() -> None:
    whole = bitstream.serialize(_header(3), b"z", b"yy")
    fraction = bitstream.serialize(_header(3.5), b"z", b"yy")
    assert (whole[4], fraction[4]) == (1, 2) and len(fraction) == len(whole) + 1
    assert bitstream.parse(fraction).header.quality == 3.5
    assert bitstream.parse(fraction).header_size == len(fraction) - 3
    with pytest.raises(ValueError, match="1/256"):
        bitstream.serialize(_header(3.001), b"z", b"yy")


def test_a_version_2_header_without_a_fraction_is_refused() -> None:
    data = bytearray(bitstream.serialize(_header(3.5), b"z", b"yy"))
    data[bitstream._FIXED.size] = 0
    head_end = len(data) - 3 - 4
    data[head_end: head_end + 4] = zlib.crc32(bytes(data[-3:]), zlib.crc32(bytes(data[:head_end]))).to_bytes(4, "little")
    with pytest.raises(CorruptDataError, match="fraction"):
        bitstream.parse(bytes(data))
