"""Encoder/decoder round trips through the public API."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

import odic
from odic.codec import bitstream, zoo
from odic.codec.codec import Codec
from odic.codec.image import load_image
from odic.codec.models import get_architecture
from odic.errors import BitstreamError, DecoderMismatchError, UnknownModelError
from tests.conftest import random_image


@pytest.mark.parametrize("size", [(1, 1), (65, 33), (513, 769), (64, 64), (2, 300)])
@pytest.mark.parametrize("alpha,quality", [(0.0, 1), (0.0, 2), (0.0, 3), (1.0, None)])
def test_round_trip_any_size(size: tuple[int, int], alpha: float, quality: int | None) -> None:
    image = random_image(*size)
    codec = odic.load_codec(alpha, quality)
    encoded = codec.encode_image(load_image(image), reconstruct=True)
    decoded = odic.decode(encoded.data)
    assert decoded.mode == "RGB" and decoded.size == (size[1], size[0])
    np.testing.assert_array_equal(np.asarray(decoded), encoded.reconstruction)
    parsed = bitstream.parse(encoded.data)
    assert len(encoded.data) == parsed.header_size + parsed.header.len_z + parsed.header.len_y
    assert (parsed.header.height, parsed.header.width) == size
    assert parsed.header.alpha == alpha


@pytest.mark.parametrize("size", [(1, 1), (65, 33), (96, 128)])
def test_half_size_round_trip(size: tuple[int, int]) -> None:
    card = zoo.find(0.0, 2)
    model, arch = zoo.read_weights(card), get_architecture(card.architecture)
    half = Codec(model, arch, card.model_id, card.alpha, card.quality, card.level, resample=2)
    full = Codec(model, arch, card.model_id, card.alpha, card.quality, card.level)
    image = load_image(random_image(*size))
    encoded = half.encode_image(image, reconstruct=True)
    header = bitstream.parse(encoded.data).header
    assert header.resample == 2 and header.coded_size == (-(-size[0] // 2), -(-size[1] // 2))
    assert (header.height, header.width) == size
    np.testing.assert_array_equal(np.asarray(half.decode(encoded.data)), encoded.reconstruction)
    assert encoded.reconstruction.shape == (*size, 3)
    if size == (96, 128):  # a quarter of the pixels to code: fewer bytes than the full-size file
        assert len(encoded.data) < len(full.encode_image(image).data)
    with pytest.raises(BitstreamError, match="half|1/2"):
        full.decode(encoded.data)


def test_grayscale_round_trip() -> None:
    gray = random_image(40, 70, channels=1)
    data = odic.encode(Image.fromarray(gray, "L"))
    decoded = odic.decode(data)
    assert decoded.mode == "L" and decoded.size == (70, 40)
    assert bitstream.parse(data).header.grayscale


def test_batch_encode_matches_single_files() -> None:
    codec = odic.load_codec(0.0, 1)
    x = torch.from_numpy(np.stack([random_image(48, 80, seed=s) for s in range(3)])).permute(0, 3, 1, 2).float() / 255
    batch = codec.encode_batch(x, reconstruct=True)
    assert len(batch) == 3
    for item in batch:
        np.testing.assert_array_equal(np.asarray(codec.decode(item.data)), item.reconstruction)
    decoded = codec.decode_batch([item.data for item in batch])
    assert decoded.shape == x.shape
    assert torch.equal((decoded * 255).round().to(torch.uint8).permute(0, 2, 3, 1),
                       torch.from_numpy(np.stack([item.reconstruction for item in batch])))


def test_observer_presets_select_alpha() -> None:
    assert odic.load_codec(observer="machine").alpha == 1.0
    assert odic.load_codec(observer="balanced").alpha == 0.5
    with pytest.raises(UnknownModelError, match="available"):
        odic.load_codec(alpha=0.25)
    with pytest.raises(UnknownModelError):
        odic.load_codec(alpha=0.0, quality=9)
    for bad in ({"alpha": 0.0, "observer": "human"}, {"observer": "robot"}, {"alpha": 2.0}):
        with pytest.raises(odic.OdicError):  # every argument error is an OdicError (and a ValueError)
            odic.load_codec(**bad)  # type: ignore[arg-type]


def test_wrong_model_for_a_file_is_refused() -> None:
    data = odic.encode(random_image(16, 16), alpha=0.0, quality=1)
    other = odic.load_codec(alpha=1.0)
    with pytest.raises(UnknownModelError):
        other.decode(data)


def test_decoder_mismatch_is_reported_not_hidden() -> None:
    """A decoder with different entropy tables must say so instead of returning garbage."""
    data = odic.encode(random_image(64, 64), alpha=0.0, quality=1)
    card = zoo.find(0.0, 1)
    reference = zoo.load(card)
    state = {k: v.clone() for k, v in reference.model.state_dict().items()}
    tampered = zoo._codec(card, zoo.read_weights(card))  # a fresh, uncached copy
    with torch.no_grad():
        tampered._h_s64[-1].bias.add_(3.0)  # the decoder's scale/mean predictions now differ
    with pytest.raises(DecoderMismatchError):
        tampered.decode(data)
    assert all(torch.equal(v, reference.model.state_dict()[k]) for k, v in state.items())


def test_decoder_refuses_a_huge_declared_size_before_allocating() -> None:
    from odic.errors import ImageTooLargeError

    parsed = bitstream.parse(odic.encode(random_image(16, 16), alpha=0.0, quality=1))
    header = parsed.header.__class__(**{**parsed.header.__dict__, "height": 1 << 20, "width": 1 << 20})
    with pytest.raises(ImageTooLargeError):
        odic.decode(bitstream.serialize(header, parsed.z_string, parsed.y_string))


def test_the_limit_holds_for_the_padded_area_the_networks_run_on() -> None:
    from odic.errors import ImageTooLargeError

    parsed = bitstream.parse(odic.encode(random_image(16, 16), alpha=0.0, quality=1))
    thin = parsed.header.__class__(**{**parsed.header.__dict__, "height": 1, "width": 1 << 20})  # 1 MP
    data = bitstream.serialize(thin, parsed.z_string, parsed.y_string)
    with pytest.raises(ImageTooLargeError, match="padded"):
        odic.decode(data, max_pixels=4 << 20)  # inside the limit, but padded to 64 rows it is 64 MP
    biggest = 9797 * 6532  # within 64 MP; padded to the stride it is 65 MP: every accepted image decodes
    fits = parsed.header.__class__(**{**parsed.header.__dict__, "height": 6532, "width": 9797})
    with pytest.raises(BitstreamError):  # past the size checks: the strings do not fit the size
        odic.decode(bitstream.serialize(fits, parsed.z_string, parsed.y_string), max_pixels=biggest)


def test_tiled_transforms_give_the_untiled_file_and_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Big pictures run g_a and g_s tile by tile (bounded memory); small tiles here force it on a
    small picture, whose file and pixels must come out as without tiles (pixels within 1 level,
    from floating-point summation order at most)."""
    from odic.codec import codec as codec_module

    codec = zoo.load(zoo.find(0.0, 1))
    image = random_image(150, 230, seed=11)
    untiled = codec.encode(image)
    pixels = np.asarray(codec.decode(untiled), dtype=int)
    monkeypatch.setattr(codec_module, "TILE", 3)
    tiled = codec.encode(image)
    assert abs(len(tiled) - len(untiled)) <= 0.001 * len(untiled)
    for data in (tiled, untiled):
        difference = np.abs(np.asarray(codec.decode(data), dtype=int) - pixels)
        assert difference.max() <= 1 and difference.mean() < 0.01


def test_the_tiled_hyper_synthesis_gives_the_untiled_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """h_s runs in float64 tile by tile on big pictures: the files (whose symbols the tables
    decide) must be the untiled ones, or files of big images would not decode elsewhere."""
    from odic.codec import codec as codec_module

    codec = zoo.load(zoo.find(0.0, 1))
    image = random_image(300, 450, seed=12)  # hyper-latents 5 × 8
    untiled = codec.encode(image)
    monkeypatch.setattr(codec_module, "HYPER_TILE", 1)
    monkeypatch.setattr(codec_module, "TILE_MARGIN", 2)
    assert codec.encode(image) == untiled
    np.testing.assert_array_equal(np.asarray(codec.decode(untiled)), np.asarray(odic.decode(untiled)))


def test_the_device_does_not_change_the_file(tmp_path) -> None:
    from tests.conftest import run_cli

    source = tmp_path / "a.png"
    Image.fromarray(random_image(48, 64, seed=9)).save(source)
    outputs = []
    for i, extra in enumerate([[], ["--device", "cpu"]]):
        done = run_cli("encode", str(source), "-o", str(tmp_path / f"{i}.odic"), *extra)
        assert done.returncode == 0, done.stderr
        outputs.append((tmp_path / f"{i}.odic").read_bytes())
    assert outputs[0] == outputs[1]
    done = run_cli("decode", str(tmp_path / "0.odic"), "-o", str(tmp_path / "x.png"), "--device", "abacus")
    assert done.returncode == 2 and b"unknown device" in done.stderr and not (tmp_path / "x.png").exists()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")
def test_a_file_coded_on_the_gpu_decodes_on_the_cpu() -> None:
    image = load_image(random_image(96, 128, seed=10))
    card = zoo.find(0.0, 1)
    model = zoo.read_weights(card)
    arch = get_architecture(card.architecture)
    gpu = Codec(model, arch, card.model_id, card.alpha, card.quality, card.level, card.resample, device="cuda")
    encoded = gpu.encode_image(image, reconstruct=True)
    cpu = Codec(zoo.read_weights(card), arch, card.model_id, card.alpha, card.quality, card.level, card.resample,
                device="cpu")
    decoded = np.asarray(cpu.decode(encoded.data), dtype=np.int16)  # the tables agree: no mismatch error
    assert np.abs(decoded - encoded.reconstruction.astype(np.int16)).max() <= 3
