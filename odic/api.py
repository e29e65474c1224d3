"""The Python API: ``encode``, ``encode_image``, ``decode``, ``load_codec``, ``info``.

The CLI is a thin shell over these functions. Importing this module costs no torch: the
networks load on the first encode or decode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from odic.codec import bitstream, zoo
from odic.codec.bitstream import Header
from odic.codec.image import DEFAULT_MAX_PIXELS, ImageSource, LoadedImage, load_image
from odic.errors import ArgumentError

if TYPE_CHECKING:
    from PIL import Image

    from odic.codec.codec import Codec, Encoded


def resolve_alpha(alpha: float | None = None, observer: str | None = None) -> float:
    """α from either a number or an observer preset (human / balanced / machine)."""
    if alpha is not None and observer is not None:
        raise ArgumentError("give alpha or observer, not both")
    if observer is not None:
        try:
            return zoo.OBSERVER_ALPHA[observer]
        except KeyError:
            known = ", ".join(zoo.OBSERVER_ALPHA)
            raise ArgumentError(f"unknown observer {observer!r} (choose from {known})") from None
    alpha = 0.0 if alpha is None else float(alpha)
    if not 0.0 <= alpha <= 1.0:
        raise ArgumentError(f"alpha must be in [0, 1], got {alpha}")
    return alpha


def load_codec(alpha: float | None = None, quality: float | None = None, *,
               observer: str | None = None) -> Codec:
    """The installed model for (α, quality); α = 0 serves people, α = 1 machines. Any quality
    from the lowest to the highest shipped one works, in steps of 1/256."""
    return zoo.load(zoo.find(resolve_alpha(alpha, observer), quality))


def check_rate(quality: float | None = None, bpp: float | None = None, size: int | None = None) -> None:
    """Refuse a request that sets the rate twice or asks for no bits."""
    if sum(v is not None for v in (quality, bpp, size)) > 1:
        raise ArgumentError("give one of quality, bpp and size")
    if (bpp is not None and not bpp > 0) or (size is not None and size < 1):
        raise ArgumentError("a target bpp or size must be positive")


def encode_image(
    image: LoadedImage,
    alpha: float | None = None,
    quality: float | None = None,
    *,
    observer: str | None = None,
    bpp: float | None = None,
    size: int | None = None,
    reconstruct: bool = False,
) -> Encoded:
    """Encode a loaded image at a quality, or at the highest quality whose file takes at most
    ``bpp`` bits per pixel or ``size`` bytes (without either, the middle quality)."""
    check_rate(quality, bpp, size)
    alpha = resolve_alpha(alpha, observer)
    if bpp is None and size is None:
        return load_codec(alpha, quality).encode_image(image, reconstruct)
    from odic.codec.target import encode_to_size

    if size is None:
        assert bpp is not None
        size = int(bpp * image.height * image.width / 8)
    return encode_to_size(image, alpha, size, reconstruct)


def encode(
    image: ImageSource,
    alpha: float | None = None,
    quality: float | None = None,
    *,
    observer: str | None = None,
    bpp: float | None = None,
    size: int | None = None,
    drop_alpha: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> bytes:
    """Compress an image (path, bytes, PIL image or uint8 array) to ``.odic`` bytes, at a
    ``quality`` or at most ``bpp`` bits per pixel or ``size`` bytes."""
    check_rate(quality, bpp, size)
    loaded = load_image(image, drop_alpha=drop_alpha, max_pixels=max_pixels)
    return encode_image(loaded, alpha, quality, observer=observer, bpp=bpp, size=size).data


def decode(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decompress ``.odic`` bytes; the model is found from the id in the header."""
    header = bitstream.parse(data).header
    return zoo.load(zoo.by_id(header.model_id, header.quality)).decode(data, max_pixels)


def info(data: bytes) -> Header:
    """Parse and verify a file's header without decoding its pixels."""
    return bitstream.parse(data).header
