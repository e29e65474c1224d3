"""The classical codecs odic is compared with."""

from __future__ import annotations

import struct
from typing import Any, ClassVar

from PIL import Image

from odic.baselines.registry import BaselineCodec, register_codec


@register_codec
class Jpeg(BaselineCodec):
    """Baseline JPEG (libjpeg) with 4:2:0 chroma subsampling, the web default."""

    name, pil_format, suffix, low, high = "jpeg", "JPEG", ".jpg", 1, 95
    ladder = (2, 5, 10, 20, 60)

    def options(self, quality: float) -> dict[str, Any]:
        return {"quality": int(quality), "subsampling": 2, "optimize": True}


@register_codec
class Jpeg444(Jpeg):
    """JPEG without chroma subsampling."""

    name = "jpeg444"
    ladder = (2, 5, 10, 20, 50)

    def options(self, quality: float) -> dict[str, Any]:
        return {**super().options(quality), "subsampling": 0}


@register_codec
class WebP(BaselineCodec):
    """Lossy WebP (libwebp), best compression method."""

    name, pil_format, suffix, low, high = "webp", "WEBP", ".webp", 0, 100
    # libwebp stops at quality 0, about 0.1–0.2 bpp (see webp-half).
    ladder: ClassVar[tuple[float, ...]] = (0, 5, 15, 35, 80)

    def options(self, quality: float) -> dict[str, Any]:
        return {"quality": int(quality), "method": 6}


@register_codec
class Avif(BaselineCodec):
    """AVIF (AV1 intra) through Pillow's libavif."""

    name, pil_format, suffix, low, high = "avif", "AVIF", ".avif", 0, 100
    ladder = (5, 20, 30, 45, 65)


@register_codec
class Jpeg2000(BaselineCodec):
    """JPEG 2000 (OpenJPEG, irreversible 9/7 wavelet); the setting is the target bpp itself."""

    name, pil_format, suffix, low, high, integer = "jpeg2000", "JPEG2000", ".jp2", 0.02, 8.0, False
    ladder = (0.1, 0.2, 0.35, 0.6, 1.0)
    typical = 0.5

    def options(self, quality: float) -> dict[str, Any]:
        return {"quality_mode": "rates", "quality_layers": [24.0 / quality], "irreversible": True}


@register_codec
class JpegXL(BaselineCodec):
    """JPEG XL (libjxl) through pillow-jxl-plugin."""

    name, pil_format, suffix, low, high = "jpegxl", "JXL", ".jxl", 0, 99  # 100 means lossless, a different mode
    ladder: ClassVar[tuple[float, ...]] = (1, 10, 30, 55, 76)  # libjxl stays above about 0.2 bpp (see jpegxl-half)

    def register_plugin(self) -> None:
        import pillow_jxl  # noqa: F401  (importing registers the JXL format)


class HalfResolution(BaselineCodec):
    """A codec run at half resolution, for rates below its own floor.

    Why: libjxl stops at distance 25 (about 0.15 bpp on Kodak) and libwebp at quality 0 (0.10),
    while odic goes down to 0.05. Below their floors these codecs' own tools downsample first
    (``cjxl --resampling=2``; libwebp has no switch, users resize): here the image is halved
    (Lanczos), coded, and the decoded image scaled back (Lanczos). The stream carries the full
    size in 4 bytes, which count towards the bpp like every other byte.
    """

    def encode(self, image: Image.Image, quality: float) -> bytes:
        w, h = image.size
        half = image.convert("RGB").resize((max(1, (w + 1) // 2), max(1, (h + 1) // 2)), Image.Resampling.LANCZOS)
        return struct.pack(">HH", w, h) + super().encode(half, quality)

    def decode(self, data: bytes) -> Image.Image:
        w, h = struct.unpack(">HH", data[:4])
        return super().decode(data[4:]).resize((w, h), Image.Resampling.LANCZOS)


@register_codec
class JpegXLHalf(HalfResolution, JpegXL):
    """JPEG XL at half resolution, the way ``cjxl --resampling=2`` reaches below distance 25."""

    name = "jpegxl-half"
    ladder: ClassVar[tuple[float, ...]] = (1, 10, 30, 50)  # about 0.07–0.22 bpp on training photos


@register_codec
class WebPHalf(HalfResolution, WebP):
    """WebP at half resolution: below libwebp's quality-0 floor."""

    name = "webp-half"
    ladder: ClassVar[tuple[float, ...]] = (0, 5, 20, 40)  # about 0.06–0.23 bpp on training photos


@register_codec
class Heic(BaselineCodec):
    """HEIC (HEVC intra, x265) through pillow-heif: the installable relative of BPG."""

    name, pil_format, suffix, low, high = "heic", "HEIF", ".heic", 0, 100
    ladder = (10, 20, 27, 35, 45)

    def register_plugin(self) -> None:
        import pillow_heif

        pillow_heif.register_heif_opener()
