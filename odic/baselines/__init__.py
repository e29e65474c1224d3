"""Classical codecs behind one interface, for rate–distortion and rate–accuracy comparisons."""

from odic.baselines.registry import BaselineCodec, encode_at_bpp, get_codec, list_codecs

__all__ = ["BaselineCodec", "encode_at_bpp", "get_codec", "list_codecs"]

from odic.baselines import codecs as _codecs  # noqa: E402,F401  (registers the codecs)
