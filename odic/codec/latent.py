"""How a network codes its latent ``y`` once the hyperprior is known (CompressAI's latent codecs).

:class:`GaussianLatent` codes every latent with the hyperprior's Gaussian, in one rANS string.
:class:`CheckerboardLatent` codes the anchors (half the latents, a checkerboard) that way and the
others with parameters that a context network predicts from the decoded anchors (He et al.
2021), in two strings. Both sides compute the parameters from identical inputs, in float64 and
tiled alike, so the decoder's tables are the encoder's (the reason ``h_s`` runs in float64;
:mod:`odic.codec.codec`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from fractions import Fraction

import torch
from torch import Tensor

from odic.codec import bitstream, rans
from odic.codec.nets import CheckerboardHyperprior, Hyperprior, anchor_mask
from odic.errors import CorruptDataError

#: Splits the hyperprior's parameters into the Gaussian ``(scales, means)`` of ``y``.
SplitParams = Callable[[Tensor], tuple[Tensor, Tensor | None]]
#: ``tiled(transform, x, scale, tile, margin, *more)`` of :mod:`odic.codec.codec`, its tiles fixed.
Tiler = Callable[..., Tensor]


class GaussianLatent:
    """Every latent coded with the hyperprior's Gaussian: one string."""

    def __init__(self, model: Hyperprior, split_params: SplitParams) -> None:
        self.conditional = model.gaussian_conditional
        self.tables = rans.Tables.of(model.gaussian_conditional)
        self.split_params = split_params

    def encode(self, y: Tensor, hyper: Tensor) -> tuple[Tensor, Tensor | None, list[bytes]]:
        """``(symbols, means, each image's string)`` of a batch of latents; ``hyper`` is ``h_s``'s output."""
        scales, means = self.split_params(hyper)
        indexes = rans.scale_indexes(scales, self.conditional)
        del scales  # latent-sized tensors go as soon as they are used: 0.2 GB each at 64 MP
        symbols = rans.symbols_of(y, means)
        return symbols, means, [rans.encode(symbols[i], indexes[i], self.tables) for i in range(len(symbols))]

    def decode(self, string: bytes, hyper: Tensor) -> tuple[Tensor, Tensor | None]:
        """``(symbols, means)`` of one image's string; raises :class:`CorruptDataError`."""
        scales, means = self.split_params(hyper)
        return rans.decode(string, rans.scale_indexes(scales, self.conditional), self.tables), means


class CheckerboardLatent(GaussianLatent):
    """Anchors with the hyperprior's Gaussian, the rest with the context's: two strings.

    The y string is ``varint(len(anchor string))``, the anchors' string, then the others' string;
    each holds its latents in row-major order (channel, row, column) of the full latent.
    """

    def __init__(self, model: CheckerboardHyperprior, split_params: SplitParams, tiler: Tiler) -> None:
        super().__init__(model, split_params)
        self.context_prediction = copy.deepcopy(model.context_prediction).double().eval()
        self.entropy_parameters = copy.deepcopy(model.entropy_parameters).double().eval()
        self.tiler = tiler

    def _anchors(self, symbols: Tensor, hyper: Tensor, mask: Tensor) -> Tensor:
        """The decoded anchors (``symbols + means`` at the anchors, 0 elsewhere), made in place."""
        means = self.split_params(hyper)[1]
        assert means is not None
        return symbols.to(means.dtype).add_(means).mul_(mask)

    def _params(self, anchors: Tensor, hyper: Tensor) -> tuple[Tensor, Tensor | None]:
        """Every latent's ``(scales, means)``: the hyperprior's at the anchors, the context's elsewhere."""
        def context(anchors: Tensor, hyper: Tensor) -> Tensor:
            # Only at the others, (even row, odd column) and (odd row, even column). Tiles start at
            # even latents (TILE and TILE_MARGIN are even), so parities are global.
            hyper = hyper.double()
            params = hyper.clone()
            for (rows, cols), ctx in zip(((0, 1), (1, 0)), self.context_prediction(anchors.double())):
                h = hyper[..., rows::2, cols::2]
                params[..., rows::2, cols::2] = h + self.entropy_parameters(torch.cat([ctx, h], 1))
            return params.float()

        return self.split_params(self.tiler(context, anchors, Fraction(1), hyper))

    def encode(self, y: Tensor, hyper: Tensor) -> tuple[Tensor, Tensor | None, list[bytes]]:
        mask = anchor_mask(y)
        scales, means = self._params(self._anchors(rans.symbols_of(y, self.split_params(hyper)[1]), hyper, mask),
                                     hyper)
        del hyper  # the caller passes it in: its 0.4 GB at 64 MP go here
        indexes = rans.scale_indexes(scales, self.conditional)
        del scales
        symbols = rans.symbols_of(y, means)
        where = mask.bool().expand_as(symbols[:1])[0]
        strings = []
        for i in range(len(symbols)):
            first = rans.encode(symbols[i][where], indexes[i][where], self.tables)
            second = rans.encode(symbols[i][~where], indexes[i][~where], self.tables)
            strings.append(bitstream.varint(len(first)) + first + second)
        return symbols, means, strings

    def decode(self, string: bytes, hyper: Tensor) -> tuple[Tensor, Tensor | None]:
        length, start = bitstream.read_varint(string, 0)
        if start + length > len(string):
            raise CorruptDataError("the anchors' string runs past the latent string")
        mask = anchor_mask(hyper)
        scales = self.split_params(hyper)[0]
        where = mask.bool().expand_as(scales)
        symbols = torch.zeros(where.shape, dtype=torch.int32)
        symbols[where] = rans.decode(string[start:start + length], rans.scale_indexes(scales[where], self.conditional),
                                     self.tables)
        scales, means = self._params(self._anchors(symbols, hyper, mask), hyper)
        del hyper  # the caller passes it in: its 0.4 GB at 64 MP go here
        symbols[~where] = rans.decode(string[start + length:], rans.scale_indexes(scales[~where], self.conditional),
                                      self.tables)
        return symbols, means
