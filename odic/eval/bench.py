"""Speed: encode / decode megapixels per second, and odic against CompressAI's own path.

A benchmark, not a test: numbers depend on the machine and on what else runs.
For odic the same weights also go through CompressAI's plain
``model.compress`` / ``model.decompress`` (fp32, no channels_last, no inference
mode), side by side in one process, so the ratio isolates what odic's coding
path adds or saves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image

from odic.baselines import get_codec
from odic.codec import zoo
from odic.codec.image import load_image
from odic.codec.zoo import ModelCard
from odic.train.models import create_model


@dataclass(frozen=True)
class Speed:
    codec: str
    encode_mps: float
    decode_mps: float


def _best_of(repeats: int, fn: Callable[[], object]) -> float:
    """Fastest of ``repeats`` runs: the least disturbed by other work on the machine."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def odic_speed(card: ModelCard, images: Sequence[Path], repeats: int = 2) -> tuple[Speed, Speed]:
    """(odic, CompressAI reference) speeds for one odic model over ``images``."""
    codec = zoo.load(card)
    loaded = [load_image(p) for p in images]
    megapixels = sum(im.height * im.width for im in loaded) / 1e6
    files = [codec.encode_image(im).data for im in loaded]
    enc = sum(_best_of(repeats, partial(codec.encode_image, im)) for im in loaded)
    dec = sum(_best_of(repeats, partial(codec.decode, d)) for d in files)

    assert card.path is not None
    model = create_model(card.architecture, card.N, card.M)  # CompressAI's, with the same weights
    state = torch.load(card.path, map_location="cpu", weights_only=True)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    ref_enc = ref_dec = 0.0
    for im in loaded:
        x = torch.from_numpy(im.rgb.copy()).permute(2, 0, 1)[None].float() / 255
        s = codec.arch.stride
        x = F.pad(x, (0, (-x.shape[-1]) % s, 0, (-x.shape[-2]) % s), mode="replicate")
        with torch.no_grad():
            out = model.compress(x)
            ref_enc += _best_of(repeats, partial(model.compress, x))
            ref_dec += _best_of(repeats, partial(model.decompress, out["strings"], out["shape"]))
    return (Speed("odic", megapixels / enc, megapixels / dec),
            Speed("compressai", megapixels / ref_enc, megapixels / ref_dec))


def baseline_speed(name: str, images: Sequence[Path], repeats: int = 2) -> Speed:
    """A classical codec's speeds at its typical setting."""
    codec = get_codec(name)
    quality = codec.typical
    pictures = [Image.open(p).convert("RGB") for p in images]
    megapixels = sum(p.width * p.height for p in pictures) / 1e6
    files = [codec.encode(p, quality) for p in pictures]
    enc = sum(_best_of(repeats, partial(codec.encode, p, quality)) for p in pictures)
    dec = sum(_best_of(repeats, partial(codec.decode, d)) for d in files)
    return Speed(name, megapixels / enc, megapixels / dec)
