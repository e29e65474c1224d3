"""Encoding to a file size: the largest quality of one α whose file fits.

The rate rises with the quality, through the shipped qualities and between them (gains mixed
or extrapolated, :func:`odic.codec.zoo.between`), so bisection over the header's 1/256 quality
steps finds the largest quality that fits in about 11 tries (3 among the shipped qualities, 8
between the two that bracket it). The analysis transform, the costly
part of an encode, depends only on the network and the picture size, so it runs once per
network and picture size; each try runs only the gains, the hyperprior and the entropy coder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from odic.codec import zoo
from odic.codec.bitstream import QUALITY_STEPS
from odic.codec.codec import Codec, Encoded, pixels_tensor
from odic.codec.image import LoadedImage
from odic.errors import UnknownModelError


def encode_to_size(image: LoadedImage, alpha: float, max_bytes: int, reconstruct: bool = False) -> Encoded:
    """The file of ``image`` at the highest quality of α that takes at most ``max_bytes``.

    When even the lowest quality takes more, that smallest file is returned: the caller sees
    its size and decides. A quality no installed network reaches (between two single-rate
    networks) counts as not fitting.
    """
    cards = zoo.shipped(alpha)
    x = pixels_tensor(image.rgb)
    latents: dict[tuple[int, int], torch.Tensor] = {}

    def attempt(step: int) -> Encoded | None:
        try:
            codec: Codec = zoo.load(zoo.find(alpha, step / QUALITY_STEPS))
        except UnknownModelError:  # no network reaches this quality (single-rate networks)
            return None
        key = (id(codec.model), codec.resample)
        if key not in latents:
            latents[key] = codec.analyse(x)
        encoded = codec.encode_analysed(latents[key], image.height, image.width, image.grayscale, reconstruct)[0]
        return encoded if encoded.num_bytes <= max_bytes else None

    # First among the shipped qualities, then between the two that bracket the answer.
    steps = [round(c.quality * QUALITY_STEPS) for c in cards]
    smallest = attempt(steps[0])
    if smallest is None:
        return zoo.load(cards[0]).encode_image(image, reconstruct)
    fits, best = _highest(steps, attempt, smallest)
    if fits == len(steps) - 1:
        return best
    return _highest(range(steps[fits], steps[fits + 1]), attempt, best)[1]


def _highest(steps: Sequence[int], attempt: Callable[[int], Encoded | None], first: Encoded) -> tuple[int, Encoded]:
    """The last of ``steps`` (rising rates) whose file fits and that file, by bisection, given
    that the first fits with file ``first``. ``attempt`` gives a file that fits, or None."""
    fits, beyond, best = 0, len(steps), first
    while beyond - fits > 1:
        middle = (fits + beyond) // 2
        tried = attempt(steps[middle])
        if tried is None:
            beyond = middle
        else:
            fits, best = middle, tried
    return fits, best
