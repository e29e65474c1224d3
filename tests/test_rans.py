"""Our rANS coder against CompressAI's: the same bytes and symbols for valid strings, CorruptDataError for any other."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import odic
from odic.codec import bitstream, rans, zoo
from odic.errors import CorruptDataError
from odic.train.models import create_model
from tests.conftest import random_image, shipped_weights

EXAMPLES = int(os.environ.get("ODIC_FUZZ_EXAMPLES", "2000"))


def _twin(alpha: float, quality: int) -> tuple[odic.Codec, torch.nn.Module]:
    """A codec and CompressAI's own model with the same weights (the reference coder)."""
    codec = odic.load_codec(alpha=alpha, quality=quality)
    card = zoo.find(alpha, quality)
    assert card.path is not None
    reference = create_model(card.architecture, card.N, card.M)
    state = torch.load(card.path, map_location="cpu", weights_only=True)
    reference.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    return codec, reference


def _strings(alpha: float, quality: int, height: int, width: int, seed: int, noise: bool = False):
    """A codec, CompressAI's twin, one file's parsed strings and the indexes a decoder derives for them."""
    codec, reference = _twin(alpha, quality)
    image = (np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8) if noise
             else random_image(height, width, seed=seed))
    parsed = bitstream.parse(codec.encode(image))
    z_shape = codec._hyperlatent_shape(*parsed.header.coded_size)
    z_hat = reference.entropy_bottleneck.decompress([parsed.z_string], z_shape)
    indexes = reference.gaussian_conditional.build_indexes(codec.arch.split_params(codec._hyper(z_hat))[0])
    return codec, reference, parsed, z_shape, indexes


@pytest.mark.parametrize(("alpha", "quality", "height", "width", "seed"),
                         [(0.0, 1, 64, 64, 0), (0.0, 2, 100, 37, 1), (0.5, 1, 200, 130, 2), (1.0, 1, 1, 300, 3)])
def test_valid_strings_decode_to_compressais_symbols(alpha: float, quality: int, height: int, width: int,
                                                     seed: int) -> None:
    codec, reference, parsed, z_shape, indexes = _strings(alpha, quality, height, width, seed)
    eb, gc = reference.entropy_bottleneck, reference.gaussian_conditional
    assert torch.equal(rans.decode_hyperlatent(parsed.z_string, codec.model.entropy_bottleneck, codec._z_tables,
                                               z_shape), eb.decompress([parsed.z_string], z_shape))
    scales = codec.arch.split_params(codec._hyper(eb.decompress([parsed.z_string], z_shape)))[0]
    assert torch.equal(rans.scale_indexes(scales, codec.model.gaussian_conditional), indexes)
    assert torch.equal(rans.decode(parsed.y_string, indexes, codec.latent.tables).float(),
                       gc.decompress([parsed.y_string], indexes))


@pytest.mark.parametrize("spread", [1.0, 40.0])
def test_the_encoder_writes_compressais_bytes(spread: float) -> None:
    """Our encoder and CompressAI's give the same strings, bypass-coded values included."""
    codec, reference = _twin(0.0, 1)
    generator = torch.Generator().manual_seed(int(spread))
    scales = torch.rand(1, 24, 6, 10, generator=generator) * 5 + 0.05
    means = torch.randn(1, 24, 6, 10, generator=generator)
    y = means + torch.randn(1, 24, 6, 10, generator=generator) * scales * spread
    indexes = reference.gaussian_conditional.build_indexes(scales)
    assert torch.equal(rans.scale_indexes(scales, codec.model.gaussian_conditional), indexes)
    (expected,) = reference.gaussian_conditional.compress(y, indexes, means=means)
    assert rans.encode(rans.symbols_of(y, means)[0], indexes[0], codec.latent.tables) == expected
    z = torch.randn(1, 16, 3, 4, generator=generator) * 4 * spread
    medians = rans.medians(codec.model.entropy_bottleneck)
    (expected,) = reference.entropy_bottleneck.compress(z)
    assert rans.encode(rans.symbols_of(z, medians)[0], rans.hyperlatent_indexes(16, (3, 4))[0],
                       codec._z_tables) == expected


def test_values_beyond_the_tables_decode_exactly(real: tuple) -> None:
    """Values outside a table are bypass-coded in 4-bit chunks; up to 2^28 they round-trip exactly."""
    tables, _, indexes, gc = real
    values = torch.randint(-3, 4, indexes.shape).float()
    flat = values.view(-1)
    flat[::7] = torch.tensor([40.0, -41.0, 1000.0, -70_000.0, 2.0**27, -(2.0**27)]).repeat(flat[::7].numel() // 6 + 1)[
        : flat[::7].numel()]
    (string,) = gc.compress(values, indexes)
    assert rans.encode(values.int()[0], indexes[0], tables) == string
    symbols = rans.decode(string, indexes, tables)
    assert torch.equal(symbols, values.int())
    assert torch.equal(symbols.float(), gc.decompress([string], indexes))


@pytest.fixture(scope="module")
def real() -> tuple:
    """The latent tables of the shipped α = 0 network at its highest quality and a long string of
    noise that CompressAI codes with them (the latents' hyperprior Gaussian, whatever context the
    network adds)."""
    with shipped_weights():
        codec, reference = _twin(0.0, 8)
    image = torch.from_numpy(np.random.default_rng(5).integers(0, 256, (64, 128, 3), dtype=np.uint8))
    with torch.no_grad():
        y = reference.analyse(image.permute(2, 0, 1)[None].float() / 255, codec.level)
        _, hyper = reference.hyperprior(y)
        scales, means = reference.split_params(hyper)
        gc = reference.gaussian_conditional
        indexes = gc.build_indexes(scales)
        (string,) = gc.compress(y, indexes, means=means)
    assert len(string) > 1000
    return codec.latent.tables, string, indexes, gc


def _decodes_or_is_corrupt(string: bytes, indexes: torch.Tensor, tables: rans.Tables) -> None:
    try:
        assert rans.decode(string, indexes, tables).shape == indexes.shape
    except CorruptDataError:
        pass


structured = st.one_of(
    st.binary(max_size=512),
    st.tuples(st.sampled_from([0x00, 0xFF, 0x0F, 0xF0, 0x80]), st.integers(0, 200_000)).map(
        lambda t: bytes([t[0]]) * t[1]),
    st.tuples(st.binary(min_size=8, max_size=8), st.integers(0, 100_000)).map(lambda t: t[0] + b"\xff" * t[1]),
)


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(string=structured)
def test_any_string_ends_in_symbols_or_corrupt_data(real: tuple, string: bytes) -> None:
    tables, _, indexes, _ = real
    _decodes_or_is_corrupt(string, indexes, tables)


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(cut=st.integers(0, 10_000), tail=st.binary(max_size=64), flips=st.lists(st.tuples(st.integers(0, 10_000),
                                                                                         st.integers(1, 255))))
def test_edited_valid_strings_end_in_symbols_or_corrupt_data(real: tuple, cut: int, tail: bytes,
                                                             flips: list[tuple[int, int]]) -> None:
    tables, string, indexes, _ = real
    edited = bytearray(string[: cut % (len(string) + 1)] + tail)
    for position, mask in flips:
        if edited:
            edited[position % len(edited)] ^= mask
    _decodes_or_is_corrupt(bytes(edited), indexes, tables)


def test_the_string_must_hold_every_symbol(real: tuple) -> None:
    tables, string, indexes, _ = real
    with pytest.raises(CorruptDataError, match="ends before its last symbol|ends inside a bypass value"):
        rans.decode(string[:-4], indexes, tables)
    with pytest.raises(CorruptDataError, match="shorter than an rANS state"):
        rans.decode(string[:7], indexes, tables)
    with pytest.raises(CorruptDataError, match="longer than its symbols"):
        rans.decode(string + bytes(4), indexes, tables)


def test_tables_and_indexes_are_checked(real: tuple) -> None:
    tables, string, indexes, _ = real
    with pytest.raises(CorruptDataError, match="table index"):
        rans.decode(string, indexes + len(tables.sizes), tables)
    with pytest.raises(ValueError, match="different numbers of tables"):
        from odic.codec import _rans

        _rans.decode(string, indexes.int().numpy(), tables.cdfs, tables.cdfs.shape[1] + 1, tables.sizes,
                     tables.offsets)
