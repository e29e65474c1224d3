"""Bounds-checked decoding of the latents' rANS strings (the C extension ``odic.codec._rans``).

CompressAI's encoder writes the strings; they are decoded here rather than by CompressAI's
decoder, which trusts the string it reads: a crafted file made it read past its buffer and crash
(docs/bitstream.md, "Robustness"). This decoder reads CompressAI's stream format symbol for
symbol, so valid files decode to the same symbols, and ends any other string in
:class:`~odic.errors.CorruptDataError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

from odic.codec import _rans
from odic.errors import CorruptDataError

if TYPE_CHECKING:
    from compressai.entropy_models import EntropyBottleneck, EntropyModel


@dataclass(frozen=True)
class Tables:
    """An entropy model's quantised CDFs in the layout the decoder reads: int32, C-contiguous."""

    cdfs: np.ndarray
    sizes: np.ndarray
    offsets: np.ndarray

    @classmethod
    def of(cls, model: EntropyModel) -> Tables:
        def int32(t: Tensor) -> np.ndarray:
            return np.ascontiguousarray(t.detach().cpu().reshape(t.shape[0], -1).numpy(), dtype=np.int32)

        return cls(int32(model._quantized_cdf), int32(model._cdf_length).ravel(), int32(model._offset).ravel())


def decode(string: bytes, indexes: Tensor, tables: Tables) -> Tensor:
    """The int32 symbols ``string`` holds, one per entry of ``indexes`` (the table of each), same shape."""
    flat = np.ascontiguousarray(indexes.cpu().numpy(), dtype=np.int32)
    try:
        raw = _rans.decode(string, flat, tables.cdfs, tables.cdfs.shape[1], tables.sizes, tables.offsets)
    except ValueError as e:
        raise CorruptDataError(f"corrupt entropy-coded data: {e}") from None
    return torch.from_numpy(np.frombuffer(raw, dtype=np.int32).reshape(indexes.shape).copy())


def decode_hyperlatent(string: bytes, bottleneck: EntropyBottleneck, tables: Tables, size: tuple[int, int]) -> Tensor:
    """``z_hat`` of one image, (1, C, h, w): what ``EntropyBottleneck.decompress`` returns for it.

    Every channel has its own table, and its symbols count from the channel's median.
    """
    channels = tables.sizes.shape[0]
    indexes = torch.arange(channels, dtype=torch.int32).view(1, channels, 1, 1).expand(1, channels, *size)
    medians = bottleneck.quantiles[:, 0, 1].detach().view(1, channels, 1, 1)
    return decode(string, indexes, tables).to(medians.dtype) + medians
