"""The latents' rANS strings in CompressAI's format (the C extension ``odic.codec._rans``).

Both directions are ours: the encoder writes the bytes CompressAI's encoder writes for the same
symbols (tested against it), so files are unchanged; the decoder is bounds-checked, where
CompressAI's trusts the string it reads and a crafted file made it read past its buffer and crash
(docs/bitstream.md, "Robustness"): any string that is not a valid stream ends in
:class:`~odic.errors.CorruptDataError`. With the quantisation and table lookups below, coding
needs nothing of CompressAI at run time (:mod:`odic.codec.nets`).
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
    from odic.codec.nets import EntropyBottleneck, GaussianConditional, _Tables


@dataclass(frozen=True)
class Tables:
    """An entropy model's quantised CDFs in the layout the decoder reads: int32, C-contiguous."""

    cdfs: np.ndarray
    sizes: np.ndarray
    offsets: np.ndarray

    @classmethod
    def of(cls, model: _Tables) -> Tables:
        def int32(t: Tensor) -> np.ndarray:
            return np.ascontiguousarray(t.detach().cpu().reshape(t.shape[0], -1).numpy(), dtype=np.int32)

        return cls(int32(model._quantized_cdf), int32(model._cdf_length).ravel(), int32(model._offset).ravel())


def _int32(t: Tensor) -> np.ndarray:
    return np.ascontiguousarray(t.cpu().numpy(), dtype=np.int32)


def encode(symbols: Tensor, indexes: Tensor, tables: Tables) -> bytes:
    """The rANS string of ``symbols`` (one image's), each coded with the table in ``indexes``."""
    return _rans.encode(_int32(symbols), _int32(indexes), tables.cdfs, tables.cdfs.shape[1], tables.sizes,
                        tables.offsets)


def decode(string: bytes, indexes: Tensor, tables: Tables) -> Tensor:
    """The int32 symbols ``string`` holds, one per entry of ``indexes`` (the table of each), same shape."""
    try:
        raw = _rans.decode(string, _int32(indexes), tables.cdfs, tables.cdfs.shape[1], tables.sizes, tables.offsets)
    except ValueError as e:
        raise CorruptDataError(f"corrupt entropy-coded data: {e}") from None
    return torch.from_numpy(np.frombuffer(raw, dtype=np.int32).reshape(indexes.shape).copy())


def medians(bottleneck: EntropyBottleneck) -> Tensor:
    """(1, C, 1, 1): where each channel of the hyper-latent counts its symbols from."""
    return bottleneck.quantiles[:, 0, 1].detach().view(1, -1, 1, 1)


def hyperlatent_indexes(channels: int, size: tuple[int, int]) -> Tensor:
    """(1, C, h, w): every channel of the hyper-latent has its own table."""
    return torch.arange(channels, dtype=torch.int32).view(1, channels, 1, 1).expand(1, channels, *size)


def scale_indexes(scales: Tensor, conditional: GaussianConditional) -> Tensor:
    """The table of each latent: ``GaussianConditional.build_indexes``, by bucketing, not a loop
    over the scale table (the count of the table's entries, all but the last, below the scale)."""
    scales = torch.max(scales, conditional.lower_bound_scale.bound)
    return torch.bucketize(scales.contiguous(), conditional.scale_table[:-1].contiguous(), out_int32=True)


def symbols_of(x: Tensor, means: Tensor | None) -> Tensor:
    """The integers coded for ``x``: rounded, counted from ``means`` (``EntropyModel.quantize``)."""
    return torch.round(x if means is None else x - means).int()


def values_of(symbols: Tensor, means: Tensor | None) -> Tensor:
    """The decoded latent: ``EntropyModel.dequantize``."""
    return symbols.float() if means is None else symbols.to(means.dtype) + means


def decode_hyperlatent(string: bytes, bottleneck: EntropyBottleneck, tables: Tables, size: tuple[int, int]) -> Tensor:
    """``z_hat`` of one image, (1, C, h, w): what ``EntropyBottleneck.decompress`` returns for it."""
    indexes = hyperlatent_indexes(tables.sizes.shape[0], size)
    return values_of(decode(string, indexes, tables), medians(bottleneck))
