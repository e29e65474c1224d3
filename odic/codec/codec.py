"""Encoder and decoder around a CompressAI hyperprior network.

Compared with CompressAI's own ``compress`` / ``decompress`` this adds what a
file format needs: padding to the network's stride with an exact crop on
decode, a checksum of the coded latent symbols (so a decoder whose entropy
tables differ reports it instead of returning garbage), and a decode path that
rebuilds the probability tables deterministically — ``h_s`` runs in float64,
which makes its result independent of thread count and kernel choice in
practice, while the heavy transforms use the fast path of
:mod:`odic.codec.precision`.
"""

from __future__ import annotations

import copy
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from odic.codec import bitstream, rans
from odic.codec.bitstream import Header
from odic.codec.image import DEFAULT_MAX_PIXELS, ImageSource, LoadedImage, load_image
from odic.codec.models import Architecture
from odic.codec.nets import Hyperprior, Level
from odic.codec.precision import fast_context, fast_enabled
from odic.errors import (
    ArgumentError,
    BitstreamError,
    CorruptDataError,
    DecoderMismatchError,
    ImageTooLargeError,
    UnknownModelError,
)


@dataclass(frozen=True)
class Encoded:
    """One encoded image and the reconstruction the decoder will produce."""

    data: bytes
    #: H × W × 3 uint8, only when asked for: it costs a synthesis pass, as much as a decode.
    reconstruction: np.ndarray | None = None

    @property
    def num_bytes(self) -> int:
        return len(self.data)


def _symbols_crc(y_symbols: Tensor, z_hat: Tensor) -> int:
    crc = zlib.crc32(z_hat.float().contiguous().numpy().tobytes())
    return zlib.crc32(y_symbols.to(torch.int32).contiguous().numpy().tobytes(), crc)


#: Tiles of the analysis and synthesis transforms, in latents (16 px each): a picture larger than
#: one tile runs through them tile by tile, so their activations (about 0.2 GB per megapixel at
#: once) stay those of one tile whatever the image size. The margin (latents around each tile)
#: covers the transforms' receptive fields (≈ 2.3 latents for g_s, 30 px for g_a), so a tile's
#: interior comes out as it would untiled, up to floating-point summation order.
TILE = 64
TILE_MARGIN = 4
#: How much larger than ``max_pixels`` the padded area a decoder runs on may be: enough for every
#: image within the limit (a 65-row image is padded to 128 rows), while a 1-pixel-high image
#: declaring 2^20 columns still meets a bound.
PADDED_AREA = 2
#: Tiles of the float64 hyper-synthesis, in hyper-latents (64 px each); the margin is TILE_MARGIN.
HYPER_TILE = 16


def tiled(transform: Callable[..., Tensor], x: Tensor, scale: Fraction, tile: int, margin: int,
          *more: Tensor) -> Tensor:
    """``transform`` applied to overlapping tiles of ``x`` and the tiles' interiors stitched.

    ``transform`` maps an h × w input to h·scale × w·scale; ``tile`` and ``margin`` are in input
    units and chosen so that every boundary maps to whole output units. Inputs in ``more`` (of
    ``x``'s height and width) are tiled alike and passed after ``x``'s tile.
    """
    height, width = x.shape[-2:]
    if height <= tile + margin and width <= tile + margin:
        return transform(x, *more)
    result: Tensor | None = None  # allocated once the first tile says its channels and type
    for top in range(0, height, tile):
        for left in range(0, width, tile):
            t0, l0 = max(0, top - margin), max(0, left - margin)
            rows_in = slice(t0, min(height, top + tile + margin))
            cols_in = slice(l0, min(width, left + tile + margin))
            out = transform(*(t[..., rows_in, cols_in] for t in (x, *more)))
            if result is None:
                result = out.new_empty((*out.shape[:-2], int(height * scale), int(width * scale)))
            rows = slice(int((top - t0) * scale), int((min(height, top + tile) - t0) * scale))
            cols = slice(int((left - l0) * scale), int((min(width, left + tile) - l0) * scale))
            result[..., int(top * scale): int(min(height, top + tile) * scale),
                   int(left * scale): int(min(width, left + tile) * scale)] = out[..., rows, cols]
    assert result is not None
    return result


def transform_device(device: str | None = None) -> torch.device:
    """Where the analysis and synthesis transforms run: ``device``, else ``$ODIC_DEVICE``, else the CPU.

    Only the two heavy transforms move: the hyper-transforms, the float64 hyper-synthesis and the
    entropy coder stay on the CPU, so the probability tables, and therefore the files, do not
    depend on the device, and a file coded on a GPU decodes on any CPU (pixels within a few
    levels, as between CPUs with and without bf16).
    """
    name = device or os.environ.get("ODIC_DEVICE") or "cpu"
    try:
        chosen = torch.device(name)
    except RuntimeError:
        raise ArgumentError(f"unknown device {name!r} (cpu, cuda or cuda:N)") from None
    if chosen.type == "cuda" and not torch.cuda.is_available():
        raise ArgumentError(f"device {chosen} asked for, but this machine has no usable CUDA GPU")
    if chosen.type not in ("cpu", "cuda"):
        raise ArgumentError(f"device {chosen}: odic runs on cpu or cuda")
    return chosen


def _checked(resample: int) -> int:
    if resample not in bitstream.RESAMPLES:
        raise ValueError(f"resample must be one of {bitstream.RESAMPLES}, not {resample}")
    return resample


def pixels_tensor(rgb: np.ndarray) -> Tensor:
    """H × W × 3 uint8 → (1, 3, H, W) uint8, sharing a writable array's memory (a 64 MP picture
    is 0.2 GB); float conversion happens tile by tile."""
    return (torch.from_numpy(rgb) if rgb.flags.writeable else torch.tensor(rgb)).permute(2, 0, 1)[None]


def unit(x: Tensor) -> Tensor:
    """Pixels as float in [0, 1], from uint8 or float."""
    return x.float().div(255) if x.dtype == torch.uint8 else x.float()


def quantise(x: Tensor) -> Tensor:
    """Float pictures in [0, 1] (any shape) → uint8, rounding to nearest; ``x`` is overwritten."""
    return x.clamp_(0, 1).mul_(255).round_().to(torch.uint8)


def shrink(x: Tensor, resample: int) -> Tensor:
    """The picture the latents hold: ``x`` shrunk (bicubic, antialiased) to 1/``resample`` size.

    One function for the encoder and for training, so that a level trained at half size
    (``odic lab train --half-size``) sees exactly the pictures it will code.
    """
    if resample == 1:
        return x
    size = bitstream.coded_size(x.shape[-2], x.shape[-1], resample)
    return F.interpolate(x, size=size, mode="bicubic", antialias=True, align_corners=False).clamp(0, 1)


def enlarge(x: Tensor, height: int, width: int, resample: int) -> Tensor:
    """A (padded) decoded picture back at the source's ``height`` × ``width``."""
    if resample == 1:
        return x[..., :height, :width]
    coded = bitstream.coded_size(height, width, resample)
    x = x[..., : coded[0], : coded[1]]
    return F.interpolate(x, size=(height, width), mode="bicubic", align_corners=False)


class Codec:
    """A loaded model that encodes images to ``.odic`` bytes and back.

    ``model_id`` (4 bytes of the weights' sha256), ``alpha`` and ``quality`` (a shipped quality,
    or one between two, in steps of 1/256) are written into every header so that
    :func:`odic.decode` can find the model and its gains again.
    """

    def __init__(
        self, model: Hyperprior, arch: Architecture, model_id: bytes, alpha: float, quality: float,
        level: Level = 0, resample: int = 1, device: str | None = None,
    ):
        self.model = model.eval().to(memory_format=torch.channels_last)
        self.arch = arch
        self.model_id = model_id
        self.alpha = alpha
        self.quality = quality
        #: Rate level of a variable-rate network (always 0 for single-rate ones), or a mix of two
        #: levels for a quality between shipped ones.
        self.level = level
        #: 2: code the image at half size and enlarge it after decoding. Why: below ~0.2 bpp a
        #: network spends its few bits better on a smaller picture (as ``cjxl --resampling 2``
        #: does); measured on Kodak, docs/bitstream.md.
        self.resample = _checked(resample)
        # Exact hyper-synthesis: float64 copy, so both sides derive identical tables.
        self._h_s64 = copy.deepcopy(model.h_s).double().eval()
        self._z_tables = rans.Tables.of(model.entropy_bottleneck)
        self.latent = arch.latent(model, arch.split_params,
                                  lambda f, x, scale, *more: tiled(f, x, scale, TILE, TILE_MARGIN, *more))
        self.fast = fast_enabled()
        #: Where g_a and g_s run (see :func:`transform_device`); everything else stays on the CPU.
        self.device = transform_device(device)
        self.fast_transforms = fast_enabled(self.device)
        model.g_a.to(self.device)
        model.g_s.to(self.device)

    def at(self, quality: float, level: Level, resample: int) -> Codec:
        """This network at another quality: the gains and picture size change, the weights and the
        exact entropy tables (the costly part) are shared."""
        other = copy.copy(self)
        other.quality, other.level, other.resample = quality, level, _checked(resample)
        return other

    # ------------------------------------------------------------------ tensors
    def _pad(self, x: Tensor) -> Tensor:
        s = self.arch.stride
        h, w = x.shape[-2:]
        return F.pad(x, (0, (-w) % s, 0, (-h) % s), mode="replicate")

    def _hyperlatent_shape(self, height: int, width: int) -> tuple[int, int]:
        """(h, w) of ``z`` for an H × W coded picture (padded to the stride); ``y`` is ``h_s``'s
        upsampling of it."""
        s = self.arch.stride
        return -(-height // s), -(-width // s)

    def _hyper(self, z_hat: Tensor) -> Tensor:
        """``h_s(z_hat)``: the parameters the latent coder starts from (:mod:`odic.codec.latent`)."""
        # Tiled as the transforms are (in hyper-latents, 4 latents each): its float64 output and
        # activations would otherwise take about 25 MB per megapixel. Encoder and decoder tile alike.
        def h_s(z: Tensor) -> Tensor:
            return self._h_s64(z.double()).float()

        return tiled(h_s, z_hat, Fraction(self.arch.stride // self.arch.y_stride), HYPER_TILE, TILE_MARGIN)

    def _synthesis(self, y_hat: Tensor, to_pixels: bool = False) -> Tensor:
        """The picture of ``y_hat``: float, or with ``to_pixels`` uint8 made tile by tile (the
        float picture of a 64 MP image alone would take 0.8 GB)."""
        y_hat = self.model.rate_gain.unscale(y_hat, self.level)

        def g_s(y: Tensor) -> Tensor:
            with fast_context(self.device, enabled=self.fast_transforms):
                x = self.model.g_s(y.to(self.device).contiguous(memory_format=torch.channels_last)).float().cpu()
            return quantise(x) if to_pixels else x

        return tiled(g_s, y_hat, Fraction(self.arch.y_stride), TILE, TILE_MARGIN)

    def _pixels(self, y_hat: Tensor, height: int, width: int) -> Tensor:
        """(B, 3, H, W) uint8: the decoded picture as the decoder rounds it."""
        if self.resample == 1:
            return self._synthesis(y_hat, to_pixels=True)[..., :height, :width]
        return quantise(enlarge(self._synthesis(y_hat), height, width, self.resample))

    def _analysis(self, padded: Tensor) -> Tensor:
        def g_a(x: Tensor) -> Tensor:
            with fast_context(self.device, enabled=self.fast_transforms):
                x = unit(x).to(self.device).contiguous(memory_format=torch.channels_last)
                return self.model.g_a(x).float().cpu()

        s = self.arch.y_stride
        return tiled(g_a, padded, Fraction(1, s), TILE * s, TILE_MARGIN * s)

    @torch.inference_mode()
    def encode_batch(self, x: Tensor, grayscale: bool = False, reconstruct: bool = False) -> list[Encoded]:
        """Encode a batch ``(B, 3, H, W)`` of RGB images, float in [0, 1] or uint8; one file each.

        With ``reconstruct``, each result also holds the exact pixels the decoder will produce
        (what sweeps measure), saving a decode; plain encoding skips that synthesis pass.
        """
        return self.encode_analysed(self.analyse(x), x.shape[-2], x.shape[-1], grayscale, reconstruct)

    @torch.inference_mode()
    def analyse(self, x: Tensor) -> Tensor:
        """The latents of a batch ``(B, 3, H, W)`` (float in [0, 1] or uint8) before any gain: they
        depend on the network and the picture size only, so a search over qualities computes them
        once. uint8 pictures at full size become float tile by tile."""
        if x.ndim != 4 or x.shape[1] != 3:
            raise ValueError(f"expected a (B, 3, H, W) tensor, got {tuple(x.shape)}")
        return self._analysis(self._pad(x if self.resample == 1 else shrink(unit(x), self.resample)))

    @torch.inference_mode()
    def encode_analysed(self, latents: Tensor, height: int, width: int, grayscale: bool = False,
                        reconstruct: bool = False) -> list[Encoded]:
        """:meth:`encode_batch` from :meth:`analyse`'s latents of H × W images."""
        y = self.model.rate_gain.scale(latents, self.level).contiguous()
        with fast_context(enabled=self.fast):
            z = self.model.h_a(self.arch.hyper_input(y))
        medians = rans.medians(self.model.entropy_bottleneck)
        z_symbols = rans.symbols_of(z.float(), medians)
        z_hat = rans.values_of(z_symbols, medians)
        z_indexes = rans.hyperlatent_indexes(z.shape[1], z.shape[-2:])[0]
        symbols, means, y_strings = self.latent.encode(y, self._hyper(z_hat))
        del y  # latent-sized tensors go as soon as they are used: 0.2 GB each at 64 MP
        pixels = self._pixels(rans.values_of(symbols, means), height, width) if reconstruct else None
        del means
        out = []
        for i, y_string in enumerate(y_strings):
            z_string = rans.encode(z_symbols[i], z_indexes, self._z_tables)
            header = Header(
                model_id=self.model_id,
                alpha=self.alpha,
                quality=self.quality,
                height=int(height),
                width=int(width),
                grayscale=grayscale,
                len_z=len(z_string),
                len_y=len(y_string),
                symbols_crc=_symbols_crc(symbols[i], z_hat[i]),
                resample=self.resample,
            )
            data = bitstream.serialize(header, z_string, y_string)
            out.append(Encoded(data, None if pixels is None else pixels[i].permute(1, 2, 0).contiguous().numpy()))
        return out

    @torch.inference_mode()
    def decode_tensor(self, data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[Tensor, Header]:
        """Decode one file to a (3, H, W) float tensor in [0, 1] and its header."""
        y_hat, h = self._decode_latents(data, max_pixels)
        return enlarge(self._synthesis(y_hat), h.height, h.width, self.resample)[0].clamp(0, 1), h

    @torch.inference_mode()
    def decode_pixels(self, data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[np.ndarray, Header]:
        """Decode one file to H × W × 3 uint8 pixels, made tile by tile, and its header."""
        y_hat, h = self._decode_latents(data, max_pixels)
        return self._pixels(y_hat, h.height, h.width)[0].permute(1, 2, 0).contiguous().numpy(), h

    def _decode_latents(self, data: bytes, max_pixels: int) -> tuple[Tensor, Header]:
        """The decoded latent ``y_hat`` of one file, (1, M, h, w), and its header.

        A header may claim any size up to 2²⁰ px a side; images above ``max_pixels`` are
        refused before anything is allocated for them. A bound holds for the area the networks
        run on too (the coded picture padded to the stride, ``PADDED_AREA`` × the limit), which a
        1-pixel-high image multiplies by up to 64.
        """
        parsed = bitstream.parse(data)
        h = parsed.header
        if h.height * h.width > max_pixels:
            raise ImageTooLargeError(f"file declares {h.width}x{h.height} pixels, above the {max_pixels:,} limit")
        s = self.arch.stride
        coded_h, coded_w = h.coded_size
        if -(-coded_h // s) * s * -(-coded_w // s) * s > PADDED_AREA * max_pixels:
            raise ImageTooLargeError(f"file declares {h.width}x{h.height} pixels, coded on a padded area above "
                                     f"{PADDED_AREA} × the {max_pixels:,}-pixel limit")
        if (h.model_id, h.quality) != (self.model_id, self.quality):
            raise UnknownModelError(
                f"file was written by model {h.model_id.hex()} quality {h.quality}, "
                f"not {self.model_id.hex()} quality {self.quality}"
            )
        if h.resample != self.resample:
            raise BitstreamError(f"file is coded at 1/{h.resample} size, but its model codes at 1/{self.resample}")
        z_shape = self._hyperlatent_shape(*h.coded_size)
        z_hat = rans.decode_hyperlatent(parsed.z_string, self.model.entropy_bottleneck, self._z_tables, z_shape)
        # The y tables come from h_s here, so a y string that does not decode, or decodes to other
        # symbols than the encoder's, means a crafted file or tables that differ from the encoder's.
        try:
            symbols, means = self.latent.decode(parsed.y_string, self._hyper(z_hat))
        except CorruptDataError as e:
            raise DecoderMismatchError(f"decoder mismatch ({e}): the file was crafted, or the entropy tables "
                                       "disagree between machines or odic versions") from None
        if _symbols_crc(symbols[0], z_hat[0]) != h.symbols_crc:
            raise DecoderMismatchError(
                "decoder mismatch: the latent symbols decoded here differ from the encoder's "
                "(entropy tables disagree between machines or odic versions)"
            )
        return rans.values_of(symbols, means), h

    def decode_batch(self, files: list[bytes]) -> Tensor:
        """Decode files of one image size to a ``(B, 3, H, W)`` tensor in [0, 1]."""
        images = [self.decode_tensor(data)[0] for data in files]
        if len({tuple(x.shape) for x in images}) > 1:
            raise ValueError("decode_batch needs files of one image size; use decode_tensor for mixed sizes")
        return torch.stack(images)

    # ------------------------------------------------------------------ images
    def encode_image(self, image: LoadedImage, reconstruct: bool = False) -> Encoded:
        x = pixels_tensor(image.rgb)
        return self.encode_batch(x, grayscale=image.grayscale, reconstruct=reconstruct)[0]

    def encode(self, image: ImageSource, *, drop_alpha: bool = False, max_pixels: int = DEFAULT_MAX_PIXELS) -> bytes:
        """Encode a PIL image, numpy array (H×W or H×W×3 uint8) or image file/bytes."""
        return self.encode_image(load_image(image, drop_alpha=drop_alpha, max_pixels=max_pixels)).data

    def decode(self, data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
        """Decode to a PIL image: mode ``L`` for grayscale sources, else ``RGB``."""
        pixels, header = self.decode_pixels(data, max_pixels)
        picture = Image.fromarray(pixels, "RGB")
        return picture.convert("L") if header.grayscale else picture
