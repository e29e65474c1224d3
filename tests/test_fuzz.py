"""Property-based fuzzing of the decoder: mutated, truncated and crafted files raise only
odic's documented exceptions — never a crash, hang, or huge allocation.

Each run tries ≥ 2,000 files; tests/test_rans.py fuzzes the entropy decoder itself on a shipped
network's tables, and experiments/fuzz runs it on a million strings. For a long run here:

    ODIC_FUZZ_EXAMPLES=200000 pytest tests/test_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import odic
from odic.codec import bitstream
from odic.codec.bitstream import Header
from odic.codec.codec import Codec
from odic.errors import OdicError
from tests.conftest import random_image, shipped_weights

EXAMPLES = int(os.environ.get("ODIC_FUZZ_EXAMPLES", "2000"))
_CACHE: dict[str, bytes] = {}


def _valid() -> bytes:
    if "file" not in _CACHE:
        _CACHE["file"] = odic.encode(random_image(80, 120), alpha=0.0, quality=1)
    return _CACHE["file"]


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10_000), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10_000), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.just(0)),
)


def _mutate(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    buf = bytearray(data)
    for op, pos, value in ops:
        pos = pos % (len(buf) + 1)
        if op == "flip" and pos < len(buf):
            buf[pos] ^= value
        elif op == "truncate":
            del buf[pos:]
        elif op == "insert":
            buf.insert(pos, value)
        elif op == "delete" and pos < len(buf):
            del buf[pos]
    return bytes(buf)


def _decode_or_documented_error(data: bytes) -> None:
    try:
        odic.decode(data)
    except OdicError:
        pass


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(ops=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_files(ops: list[tuple[str, int, int]]) -> None:
    _decode_or_documented_error(_mutate(_valid(), ops))


@settings(max_examples=max(EXAMPLES // 10, 50), deadline=None, database=None)
@given(ops=st.lists(mutation, min_size=1, max_size=3), z_side=st.booleans())
def test_mutated_payload_behind_a_valid_crc(ops: list[tuple[str, int, int]], z_side: bool) -> None:
    """Crafted files: garbage strings with a recomputed CRC reach the entropy decoder."""
    parsed = bitstream.parse(_valid())
    z, y = parsed.z_string, parsed.y_string
    z, y = (_mutate(z, ops), y) if z_side else (z, _mutate(y, ops))
    header = parsed.header.__class__(**{**parsed.header.__dict__, "len_z": len(z), "len_y": len(y)})
    _decode_or_documented_error(bitstream.serialize(header, z, y))


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.binary(max_size=64))
def test_random_bytes(data: bytes) -> None:
    _decode_or_documented_error(bitstream.MAGIC + data)


hostile_string = st.one_of(
    st.binary(max_size=256),
    st.tuples(st.sampled_from([0x00, 0xFF, 0x80]), st.integers(0, 100_000)).map(lambda t: bytes([t[0]]) * t[1]),
)


@pytest.fixture(scope="module")
def shipped() -> Codec:
    with shipped_weights():
        return odic.load_codec(alpha=0.0, quality=5)


@settings(max_examples=max(EXAMPLES // 10, 100), deadline=None, database=None)
@given(height=st.one_of(st.just(1), st.integers(1, 1024)), width=st.one_of(st.just(1), st.integers(1, 1024)),
       z=hostile_string, y=hostile_string)
def test_crafted_files_for_a_shipped_network(shipped: Codec, height: int, width: int, z: bytes, y: bytes) -> None:
    """Files a hostile writer would make for the real α = 0 network: any declared size inside the limit
    (1-pixel-high ones included), strings of any length with long byte runs, all under a valid CRC."""
    header = Header(model_id=shipped.model_id, alpha=shipped.alpha, quality=shipped.quality, height=height,
                    width=width, grayscale=False, len_z=len(z), len_y=len(y), symbols_crc=0,
                    resample=shipped.resample)
    try:
        shipped.decode(bitstream.serialize(header, z, y))
    except OdicError:
        pass
