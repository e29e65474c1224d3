"""The checkerboard context: training network, coder and file agree."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from odic.codec import bitstream
from odic.codec.codec import TILE, TILE_MARGIN, Codec, pixels_tensor, tiled
from odic.codec.latent import CheckerboardLatent
from odic.codec.models import create_coder, get_architecture, split_mean_scale
from odic.codec.nets import anchor_mask
from odic.errors import DecoderMismatchError
from odic.train.models import GainedHyperprior, create_model
from tests.conftest import random_image

ARCH = "gained-checkerboard-hyperprior"


def _trained_looking(seed: int = 0) -> GainedHyperprior:
    """A small checkerboard network whose context is not zero (as a trained one's is not)."""
    torch.manual_seed(seed)
    model = create_model(ARCH, 16, 24)
    with torch.no_grad():
        for p in model.entropy_parameters[-1].parameters():
            p.normal_(0, 0.05)
    model.update(force=True)
    return model.eval()


def _codec(model: GainedHyperprior, level: int = 3) -> Codec:
    return Codec(create_coder(ARCH, 16, 24, model.state_dict()), get_architecture(ARCH), b"\0" * 4, 0.0, level + 1,
                 level)


@pytest.mark.parametrize("size", [(1, 1), (65, 33), (130, 200)])
def test_checkerboard_round_trip(size: tuple[int, int]) -> None:
    codec = _codec(_trained_looking())
    encoded = codec.encode_batch(pixels_tensor(random_image(*size)), reconstruct=True)[0]
    pixels, _ = codec.decode_pixels(encoded.data)
    np.testing.assert_array_equal(pixels, encoded.reconstruction)


@pytest.mark.parametrize("size", [(8, 12), (9, 13), (4, 4), (5, 3)])
def test_the_coder_predicts_what_the_network_trained_with(size: tuple[int, int]) -> None:
    """The coder's float64 context, evaluated on the anchor grids, equals the training network's
    masked convolution over the whole latent, at even and odd latent sizes."""
    model = _trained_looking()
    codec = _codec(model)
    torch.manual_seed(1)
    with torch.no_grad():
        y, hyper = 4 * torch.randn(1, 24, *size), torch.randn(1, 48, *size)
        expected = model.gaussian_params(y, hyper)
        _, means = split_mean_scale(hyper)
        anchors = (torch.round(y - means) + means) * anchor_mask(y)
        assert isinstance(codec.latent, CheckerboardLatent)
        got = codec.latent._params(anchors, hyper)
    for a, b in zip(got, expected):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)
    # The anchors keep the hyperprior's parameters; the context changes the others.
    mask = anchor_mask(y).bool().expand_as(y)
    assert torch.equal(got[0][mask], split_mean_scale(hyper)[0][mask])
    assert not torch.allclose(got[0][~mask], split_mean_scale(hyper)[0][~mask])


def test_the_mask_is_built_not_stored() -> None:
    """Weights leave the context's 0/1 mask out; files that hold it (CompressAI's layer saves it)
    still load, into the training network and the coder, which predicts as without it."""
    from compressai.layers import CheckerboardMaskedConv2d

    model = _trained_looking()
    state = model.state_dict()
    assert not any(k.endswith("mask") for k in state)
    reference = CheckerboardMaskedConv2d(24, 48, kernel_size=5, padding=2)
    with_mask = {**state, "context_prediction.mask": reference.mask.clone()}
    again = create_model(ARCH, 16, 24)
    again.load_state_dict(with_mask)
    assert torch.equal(again.context_prediction.mask, reference.mask)
    anchors, hyper = torch.randn(1, 24, 7, 9) * anchor_mask(torch.empty(7, 9)), torch.randn(1, 48, 7, 9)
    for coder in (create_coder(ARCH, 16, 24, with_mask), create_coder(ARCH, 16, 24, state)):
        latent = CheckerboardLatent(coder, split_mean_scale, lambda f, x, scale, *more: f(x, *more))
        for a, b in zip(latent._params(anchors, hyper), _codec(model).latent._params(anchors, hyper)):
            torch.testing.assert_close(a, b)


def test_the_tiled_context_equals_the_whole() -> None:
    """Tiles read the checkerboard's parity from their own coordinates: the codec's tiling keeps it."""
    coder = create_coder(ARCH, 16, 24, _trained_looking().state_dict())
    whole = CheckerboardLatent(coder, split_mean_scale, lambda f, x, scale, *more: f(x, *more))
    tiles = CheckerboardLatent(coder, split_mean_scale,
                               lambda f, x, scale, *more: tiled(f, x, scale, TILE, TILE_MARGIN, *more))
    size = (TILE + 3 * TILE_MARGIN + 1, 2 * TILE + 1)
    anchors, hyper = torch.randn(1, 24, *size) * anchor_mask(torch.empty(size)), torch.randn(1, 48, *size)
    for a, b in zip(tiles._params(anchors, hyper), whole._params(anchors, hyper)):
        torch.testing.assert_close(a, b)


def test_a_fine_tuned_context_starts_at_the_hyperprior_rate() -> None:
    torch.manual_seed(0)
    hyperprior = create_model("gained-mean-scale-hyperprior", 16, 24).eval()
    context = create_model(ARCH, 16, 24).eval()
    missing, unexpected = context.load_state_dict(hyperprior.state_dict(), strict=False)
    assert not unexpected and all(k.startswith(("context_prediction.", "entropy_parameters.")) for k in missing)
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        for a, b in zip(hyperprior(x, 2)["likelihoods"].values(), context(x, 2)["likelihoods"].values()):
            torch.testing.assert_close(a, b)


@pytest.mark.parametrize("claim", [10**6, 0])
def test_a_crafted_anchor_length_is_refused(claim: int) -> None:
    codec = _codec(_trained_looking())
    data = codec.encode_batch(pixels_tensor(random_image(64, 64)))[0].data
    parsed = bitstream.parse(data)
    _, start = bitstream.read_varint(parsed.y_string, 0)
    y_string = bitstream.varint(claim) + parsed.y_string[start:]
    header = parsed.header.__class__(**{**parsed.header.__dict__, "len_y": len(y_string)})
    with pytest.raises(DecoderMismatchError):
        codec.decode_pixels(bitstream.serialize(header, parsed.z_string, y_string))



def test_compressais_two_pass_path_round_trips() -> None:
    """The training network's own compress / decompress (the speed reference of ``odic lab bench``)."""
    model = _trained_looking()
    x = torch.rand(1, 3, 128, 192)
    with torch.no_grad():
        out = model.compress(x, 3)
        assert len(out["strings"]) == 3
        x_hat = model.decompress(out["strings"], out["shape"], 3)["x_hat"]
        y = model.analyse(x, 3)
        _, hyper = model.hyperprior(y)
        _, means = model.gaussian_params(y, hyper)
        assert means is not None
        expected = model.synthesise(torch.round(y - means) + means, 3).clamp(0, 1)
    torch.testing.assert_close(x_hat, expected, rtol=0, atol=1e-4)
