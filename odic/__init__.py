"""odic — observer-dependent image compression.

>>> import odic
>>> data = odic.encode("photo.png", observer="machine")   # doctest: +SKIP
>>> odic.decode(data).save("photo_decoded.png")            # doctest: +SKIP

The names below load on first use (PEP 562), so ``import odic`` costs no torch: a command that
only reads a header or lists models starts in a fraction of a second.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

# compressai's import-time use of torch.jit.script warns on every CLI start; it is not ours to fix.
warnings.filterwarnings("ignore", message=r".*torch\.jit\.script.*is deprecated", category=FutureWarning)

__version__ = "0.1.0"

_HOMES = {
    "decode": "odic.api", "encode": "odic.api", "info": "odic.api", "load_codec": "odic.api",
    "Codec": "odic.codec.codec", "OdicError": "odic.errors", "CompressedImageFolder": "odic.data.folder",
    "compress_dataset": "odic.data.dataset", "decompress_dataset": "odic.data.dataset",
}
__all__ = ["Codec", "CompressedImageFolder", "OdicError", "compress_dataset", "decode", "decompress_dataset",
           "encode", "info", "load_codec"]

if TYPE_CHECKING:
    from odic.api import decode, encode, info, load_codec
    from odic.codec.codec import Codec
    from odic.data.dataset import compress_dataset, decompress_dataset
    from odic.data.folder import CompressedImageFolder
    from odic.errors import OdicError


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'odic' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
