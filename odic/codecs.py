"""Every codec odic runs, behind one interface: its own networks, the classical codecs, and
either followed by an enhancer.

As Pillow has one plugin per format, each kind of codec is one small class, and :func:`get` maps
a codec's name to it: ``odic`` / ``odic:0.5`` (α; ``odic`` alone takes ``alpha``), a classical
codec's name (``jpeg``, ``webp``, ``avif``, …, :mod:`odic.baselines`), or ``CODEC+ENHANCER``
(``jpeg+jpeg-recognition``: CODEC's files, decoded through an installed enhancer,
:mod:`odic.enhance`). Datasets, the compressed folder reader, ``odic compare``, sweeps and
reports use this interface, so none of them asks which codec it holds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from PIL import Image

from odic import api
from odic.baselines import BaselineCodec, encode_at_bpp, get_codec
from odic.codec import zoo
from odic.codec.image import LoadedImage

if TYPE_CHECKING:
    from odic.enhance import EnhanceNet


@dataclass(frozen=True)
class Coded:
    """One image coded: the file, the setting that made it, and (when asked) the decoded pixels."""

    data: bytes
    setting: float
    #: H × W × 3 uint8 as a decoder gives it back, only when asked for.
    pixels: np.ndarray | None = None


class ImageCodec(Protocol):
    """What every codec does for odic."""

    #: The name :func:`get` takes back, e.g. ``odic:0.5`` or ``webp``.
    name: str
    #: File suffix of what it writes.
    suffix: str

    def ladder(self) -> Sequence[float]:
        """The settings a sweep runs when it is given no target bpp."""
        ...

    def encode(self, image: LoadedImage, setting: float | None = None, decoded: bool = False) -> Coded:
        """``image`` at a setting (None: the codec's middle one)."""
        ...

    def encode_to_bpp(self, image: LoadedImage, bpp: float, decoded: bool = False) -> Coded:
        """``image`` near ``bpp`` bits per pixel (odic: the highest quality at or below it)."""
        ...

    def decode(self, data: bytes) -> Image.Image:
        ...

    def stamp(self, setting: float | None, bpp: float | None) -> dict[str, Any]:
        """Manifest fields that say a file was coded this way with these weights, to tell a file
        that is done from one coded otherwise (:func:`odic.compress_dataset`)."""
        ...

    def version(self, setting: float | None) -> str:
        """What identifies the coder behind ``setting`` (None: any setting, as a target bpp
        may pick): the weights' ids of a learned codec, "" for a classical one. Sweeps key
        their cached records on it, so records of replaced weights are never reused."""
        ...


class OdicCodec:
    """odic's networks for one α; settings are qualities (fractions too)."""

    suffix = ".odic"

    def __init__(self, alpha: float):
        # Not checked against the installed networks here: decoding needs no α (files name their
        # network), and encoding an α that no network serves fails with the error that says so.
        self.alpha = alpha
        self.name = f"odic:{alpha:g}"

    def ladder(self) -> Sequence[float]:
        return [float(c.quality) for c in zoo.shipped(self.alpha)]

    def _coded(self, image: LoadedImage, decoded: bool, **rate: Any) -> Coded:
        encoded = api.encode_image(image, self.alpha, reconstruct=decoded, **rate)
        return Coded(encoded.data, api.info(encoded.data).quality, encoded.reconstruction)

    def encode(self, image: LoadedImage, setting: float | None = None, decoded: bool = False) -> Coded:
        return self._coded(image, decoded, quality=setting)

    def encode_to_bpp(self, image: LoadedImage, bpp: float, decoded: bool = False) -> Coded:
        return self._coded(image, decoded, bpp=bpp)

    def decode(self, data: bytes) -> Image.Image:
        return api.decode(data)

    def stamp(self, setting: float | None, bpp: float | None) -> dict[str, Any]:
        if bpp is not None:  # each file at its own quality, of any of the α's networks
            cards = zoo.shipped(self.alpha)
            models = sorted({c.sha256[:8] for c in cards})
            return {"alpha": cards[0].alpha, "target_bpp": bpp, "models": "+".join(models)}
        card = zoo.find(self.alpha, setting)
        return {"alpha": card.alpha, "quality": card.quality, "model_id": card.model_id.hex()}

    def version(self, setting: float | None) -> str:
        if setting is None:  # each image at the highest quality whose file fits
            return "+".join(sorted({self.version(q) for q in self.ladder()})) + ">fits"
        card = zoo.find(self.alpha, setting)
        return card.sha256[:8] + ("/2" if card.resample == 2 else "")


class ClassicCodec:
    """A classical codec through Pillow (:mod:`odic.baselines`); settings are its quality scale."""

    def __init__(self, baseline: BaselineCodec):
        self.baseline = baseline
        self.name, self.suffix = baseline.name, baseline.suffix

    def ladder(self) -> Sequence[float]:
        return self.baseline.ladder

    def _coded(self, data: bytes, setting: float, decoded: bool) -> Coded:
        return Coded(data, setting, np.asarray(self.baseline.decode(data)) if decoded else None)

    def encode(self, image: LoadedImage, setting: float | None = None, decoded: bool = False) -> Coded:
        ladder = self.ladder()
        setting = ladder[len(ladder) // 2] if setting is None else setting
        return self._coded(self.baseline.encode(Image.fromarray(image.rgb), setting), setting, decoded)

    def encode_to_bpp(self, image: LoadedImage, bpp: float, decoded: bool = False) -> Coded:
        found = encode_at_bpp(self.baseline, Image.fromarray(image.rgb), bpp)
        return self._coded(found.data, found.quality, decoded)

    def decode(self, data: bytes) -> Image.Image:
        return self.baseline.decode(data)

    def stamp(self, setting: float | None, bpp: float | None) -> dict[str, Any]:
        return {"target_bpp": bpp} if bpp is not None else {"setting": setting}

    def version(self, setting: float | None) -> str:
        return ""


class EnhancedCodec:
    """Another codec's files, each decoded picture passed through an installed enhancer."""

    def __init__(self, base: ImageCodec, enhancer: str):
        self.card = zoo.find_enhancer(enhancer)
        self.base = base
        self.name, self.suffix = f"{base.name}+{enhancer}", base.suffix
        self._net: EnhanceNet | None = None

    def _enhanced(self, pixels: np.ndarray) -> np.ndarray:
        from odic.enhance import build_enhancer, enhance  # torch: only when a picture is enhanced

        if self._net is None:
            self._net = build_enhancer(self.card)
        return enhance(self._net, pixels)

    def ladder(self) -> Sequence[float]:
        return self.base.ladder()

    def _coded(self, coded: Coded) -> Coded:
        return coded if coded.pixels is None else dataclasses.replace(coded, pixels=self._enhanced(coded.pixels))

    def encode(self, image: LoadedImage, setting: float | None = None, decoded: bool = False) -> Coded:
        return self._coded(self.base.encode(image, setting, decoded))

    def encode_to_bpp(self, image: LoadedImage, bpp: float, decoded: bool = False) -> Coded:
        return self._coded(self.base.encode_to_bpp(image, bpp, decoded))

    def decode(self, data: bytes) -> Image.Image:
        return Image.fromarray(self._enhanced(np.asarray(self.base.decode(data).convert("RGB"))))

    def stamp(self, setting: float | None, bpp: float | None) -> dict[str, Any]:
        return {**self.base.stamp(setting, bpp), "enhancer": self.card.sha256[:8]}

    def version(self, setting: float | None) -> str:
        return f"{self.base.version(setting)}>{self.card.sha256[:8]}"


def get(name: str, alpha: float | None = None) -> ImageCodec:
    """The codec called ``name``: ``odic:ALPHA``, ``odic`` (with ``alpha``, default 0), a classical
    one, or any of these ``+ENHANCER``."""
    base, plus, enhancer = name.rpartition("+")
    if plus:
        return EnhancedCodec(get(base, alpha), enhancer)
    family, _, weight = name.partition(":")
    if family == "odic":
        return OdicCodec(float(weight) if weight else alpha or 0.0)
    return ClassicCodec(get_codec(name))


def is_learned(name: str) -> bool:
    """Whether a codec's name is one of odic's own networks (reports set them apart from rivals)."""
    return name.partition(":")[0] == "odic"
