"""Exception hierarchy.

Every failure a user can cause (a bad file, an unknown model, an image we refuse)
raises a subclass of :class:`OdicError`, so callers — and the CLI, which turns
them into one-line messages with exit status 2 — need to catch only one type.
Anything else escaping odic is a bug.
"""

from __future__ import annotations


class OdicError(Exception):
    """Base class of every error odic raises on purpose."""


class BitstreamError(OdicError, ValueError):
    """An ``.odic`` byte string that cannot be decoded as it stands."""


class NotOdicError(BitstreamError):
    """The data does not start with the ``.odic`` magic bytes."""


class UnsupportedVersionError(BitstreamError):
    """The file was written by a newer format version than this decoder reads."""


class CorruptDataError(BitstreamError):
    """Truncated, extended or altered data: a length or CRC32 does not match."""


class DecoderMismatchError(BitstreamError):
    """The latent symbols decoded here differ from the ones the encoder wrote.

    The payload arrived intact (its CRC32 matched) but the entropy models rebuilt
    by this decoder disagree with the encoder's, typically because floating-point
    results differ between machines (CompressAI issues #279 / #309). Without this
    check the decoder would return plausible-looking garbage.
    """


class UnknownModelError(OdicError, LookupError):
    """No installed weights match the requested model id or (alpha, quality)."""


class NoWeightsError(UnknownModelError):
    """No odic weights are installed at all."""


class WeightsIntegrityError(OdicError):
    """A weights file does not match the sha256 its manifest records."""


class ImageInputError(OdicError, ValueError):
    """An input that is not an image odic can encode (or is refused by policy)."""


class ImageTooLargeError(ImageInputError):
    """The image has more pixels than the configured limit."""


class ArgumentError(OdicError, ValueError):
    """A caller's arguments contradict each other or are out of range (a ValueError too)."""
