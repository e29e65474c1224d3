"""Turning whatever a user hands us into an 8-bit RGB array — or a precise error.

Policy (documented in ``docs/bitstream.md``): RGB and grayscale pass through;
palette, CMYK and other colour modes are converted; 16-bit images are scaled to
8 bits with a warning; images with an alpha channel are refused unless the
caller drops alpha; images above ``max_pixels`` are refused *before* their
pixels are decoded, so a huge file can never exhaust memory.

A ``.odic`` file holds pixels only, in sRGB, the space every network was trained in: the EXIF
orientation is applied, an embedded colour profile other than sRGB is converted to sRGB (with a
warning: a wide-gamut photo loses the colours outside sRGB), and EXIF, XMP and ICC data are not
carried.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from odic.errors import ImageInputError, ImageTooLargeError

DEFAULT_MAX_PIXELS = 64_000_000
ImageSource = str | Path | bytes | BinaryIO | Image.Image | np.ndarray

_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
_SIXTEEN_BIT = {"I;16", "I;16B", "I;16L", "I;16N", "I"}


class ImageConversionWarning(UserWarning):
    """The input was changed in a way that loses information (e.g. 16 → 8 bits)."""


@dataclass(frozen=True)
class LoadedImage:
    rgb: np.ndarray  # H × W × 3 uint8
    grayscale: bool

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])


def _open(source: str | Path | bytes | BinaryIO) -> Image.Image:
    stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    try:
        return Image.open(stream)
    except UnidentifiedImageError:
        raise ImageInputError("not an image file (or an unsupported format)") from None
    except Image.DecompressionBombError as e:
        raise ImageTooLargeError(str(e)) from None
    except FileNotFoundError:
        raise ImageInputError("no such file") from None
    except IsADirectoryError:
        raise ImageInputError("is a directory") from None
    except OSError as e:
        raise ImageInputError(f"cannot read image: {e}") from None


def _to_srgb(im: Image.Image) -> Image.Image:
    """``im`` in sRGB when it carries another colour profile (RGB, L or CMYK images)."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in {"RGB", "L", "CMYK"}:
        return im
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = ImageCms.getProfileDescription(profile).strip()
    except (OSError, ImageCms.PyCMSError):
        warnings.warn("unreadable colour profile ignored: pixels taken as sRGB", ImageConversionWarning, stacklevel=4)
        return im
    if "srgb" in name.lower().replace(" ", ""):
        return im
    try:
        converted = ImageCms.profileToProfile(im, profile, ImageCms.createProfile("sRGB"),
                                              outputMode="L" if im.mode == "L" else "RGB")
    except ImageCms.PyCMSError as e:
        warnings.warn(f"colour profile {name!r} could not be applied ({e}): pixels taken as sRGB",
                      ImageConversionWarning, stacklevel=4)
        return im
    warnings.warn(f"converted from its colour profile {name!r} to sRGB", ImageConversionWarning, stacklevel=4)
    assert converted is not None  # None only for inPlace=True
    return converted


def _from_pil(im: Image.Image, drop_alpha: bool, to_srgb: bool = True) -> LoadedImage:
    has_alpha = im.mode in _ALPHA_MODES or (im.mode == "P" and "transparency" in im.info)
    if has_alpha and not drop_alpha:
        raise ImageInputError(f"image has an alpha channel ({im.mode}); pass --drop-alpha to encode it without")
    if im.mode in _SIXTEEN_BIT:
        wide = np.asarray(im, dtype=np.float64)
        peak = 65535.0 if wide.max(initial=0) > 255 or im.mode.startswith("I;16") else 255.0
        warnings.warn(f"{im.mode} image converted to 8 bits", ImageConversionWarning, stacklevel=3)
        gray = np.clip(np.rint(wide * (255.0 / peak)), 0, 255).astype(np.uint8)
        return LoadedImage(np.repeat(gray[..., None], 3, axis=2), grayscale=True)
    if im.mode == "F":
        raise ImageInputError("floating-point images are not supported")
    grayscale = im.mode in {"L", "1", "LA", "La"} or (im.mode == "P" and _palette_is_gray(im))
    # A writable array of its own, so the codec can take it without another copy.
    rgb = np.array((_to_srgb(im) if to_srgb else im).convert("RGB"), dtype=np.uint8)
    return LoadedImage(rgb, grayscale)


def _palette_is_gray(im: Image.Image) -> bool:
    palette = np.asarray(im.convert("RGB"))
    return bool((palette[..., 0] == palette[..., 1]).all() and (palette[..., 1] == palette[..., 2]).all())


def _from_array(a: np.ndarray, drop_alpha: bool) -> LoadedImage:
    if a.dtype != np.uint8:
        raise ImageInputError(f"arrays must be uint8, got {a.dtype}")
    if a.ndim == 2:
        return LoadedImage(np.repeat(a[..., None], 3, axis=2), grayscale=True)
    if a.ndim == 3 and a.shape[2] == 4:
        if not drop_alpha:
            raise ImageInputError("array has an alpha channel; pass drop_alpha=True to encode it without")
        a = a[..., :3]
    if a.ndim != 3 or a.shape[2] != 3:
        raise ImageInputError(f"expected an H×W or H×W×3 array, got shape {a.shape}")
    return LoadedImage(np.ascontiguousarray(a), grayscale=False)


def load_image(
    source: ImageSource, *, drop_alpha: bool = False, max_pixels: int = DEFAULT_MAX_PIXELS, to_srgb: bool = True,
) -> LoadedImage:
    """Load and normalise an image for encoding (see the module docstring).

    ``to_srgb=False`` keeps the pixels as stored whatever profile they carry: what benchmarks
    do, whose classifiers were trained and are judged on stored ImageNet pixels.
    """
    if isinstance(source, np.ndarray):
        if source.shape[0] * (source.shape[1] if source.ndim > 1 else 1) > max_pixels:
            raise ImageTooLargeError(f"image exceeds the {max_pixels:,}-pixel limit")
        return _from_array(source, drop_alpha)
    im = source if isinstance(source, Image.Image) else _open(source)
    width, height = im.size
    if width * height > max_pixels:
        raise ImageTooLargeError(f"image is {width}x{height} = {width * height:,} pixels, above the {max_pixels:,} "
                                 "limit")
    if width == 0 or height == 0:
        raise ImageInputError("image is empty")
    if im.mode not in _SIXTEEN_BIT and any(";16" in str(tile.args) for tile in getattr(im, "tile", ())):
        # Pillow opens 16-bit colour (PNG, TIFF) straight into 8-bit RGB: say so, as for 16-bit gray.
        warnings.warn(f"16-bit {im.mode} image converted to 8 bits", ImageConversionWarning, stacklevel=2)
    try:
        with warnings.catch_warnings():
            # Our own max_pixels limit was enforced above; Pillow's lower default must not veto it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im.load()
            im = ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError) as e:
        raise ImageInputError(f"truncated or corrupt image ({e})") from None
    return _from_pil(im, drop_alpha, to_srgb)


def resize_shorter(rgb: np.ndarray, side: int) -> np.ndarray:
    """Bicubic resize so that the shorter side is ``side`` (the longer never below it): the first
    step of classifiers' eval preprocessing, shared by the 224-px protocol and adaptation."""
    image = Image.fromarray(rgb)
    scale = side / min(image.size)
    size = (max(side, round(image.width * scale)), max(side, round(image.height * scale)))
    return np.asarray(image.resize(size, Image.Resampling.BICUBIC))
