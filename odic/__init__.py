"""odic — observer-dependent image compression.

>>> import odic
>>> data = odic.encode("photo.png", observer="machine")   # doctest: +SKIP
>>> odic.decode(data).save("photo_decoded.png")            # doctest: +SKIP
"""

import warnings

# compressai's import-time use of torch.jit.script warns on every CLI start; it is not ours to fix.
warnings.filterwarnings("ignore", message=r".*torch\.jit\.script.*is deprecated", category=FutureWarning)

from odic.api import decode, encode, info, load_codec
from odic.codec.codec import Codec
from odic.data import CompressedImageFolder, compress_dataset, decompress_dataset
from odic.errors import OdicError

__version__ = "0.1.0"
__all__ = ["Codec", "CompressedImageFolder", "OdicError", "compress_dataset", "decode", "decompress_dataset", "encode",
           "info", "load_codec"]
