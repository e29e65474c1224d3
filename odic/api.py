"""The Python API: ``encode``, ``decode``, ``load_codec``, ``info``.

The CLI is a thin shell over these functions. Importing this module costs no torch: the
networks load on the first encode or decode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from odic.codec import bitstream, zoo
from odic.codec.bitstream import Header
from odic.codec.image import DEFAULT_MAX_PIXELS, ImageSource
from odic.errors import ArgumentError

if TYPE_CHECKING:
    from PIL import Image

    from odic.codec.codec import Codec


def resolve_alpha(alpha: Optional[float] = None, observer: Optional[str] = None) -> float:
    """α from either a number or an observer preset (human / balanced / machine)."""
    if alpha is not None and observer is not None:
        raise ArgumentError("give alpha or observer, not both")
    if observer is not None:
        try:
            return zoo.OBSERVER_ALPHA[observer]
        except KeyError:
            raise ArgumentError(f"unknown observer {observer!r} (choose from {', '.join(zoo.OBSERVER_ALPHA)})") from None
    alpha = 0.0 if alpha is None else float(alpha)
    if not 0.0 <= alpha <= 1.0:
        raise ArgumentError(f"alpha must be in [0, 1], got {alpha}")
    return alpha


def load_codec(alpha: Optional[float] = None, quality: Optional[int] = None, *, observer: Optional[str] = None) -> Codec:
    """The installed model for (α, quality); α = 0 serves people, α = 1 machines."""
    return zoo.load(zoo.find(resolve_alpha(alpha, observer), quality))


def encode(
    image: ImageSource,
    alpha: Optional[float] = None,
    quality: Optional[int] = None,
    *,
    observer: Optional[str] = None,
    drop_alpha: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> bytes:
    """Compress an image (path, bytes, PIL image or uint8 array) to ``.odic`` bytes."""
    codec = load_codec(alpha, quality, observer=observer)
    return codec.encode(image, drop_alpha=drop_alpha, max_pixels=max_pixels)


def decode(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decompress ``.odic`` bytes; the model is found from the id in the header."""
    header = bitstream.parse(data).header
    return zoo.load(zoo.by_id(header.model_id, header.quality)).decode(data, max_pixels)


def info(data: bytes) -> Header:
    """Parse and verify a file's header without decoding its pixels."""
    return bitstream.parse(data).header
