"""The ``.odic`` file format: header serialisation and validation.

Layout (all integers little-endian; see ``docs/bitstream.md``)::

    magic      4  b"ODIC"
    version    1  1, or 2 when the quality has a fraction
    model_id   4  first 4 bytes of the weights file's sha256
    alpha      1  round(alpha * 100)
    quality    1  quality of the model, its whole part
    flags      1  bit 0: grayscale source; bit 1: coded at half size
    fraction   1  version 2 only: the quality's fraction, in 1/256
    height     varint (LEB128)  original image height
    width      varint           original image width
    len_z      varint           bytes of the hyper-latent string
    len_y      varint           bytes of the latent string
    sym_crc    4  CRC32 of the latent symbols the encoder coded
    crc        4  CRC32 of every byte before it and of the payload
    payload    len_z + len_y bytes: z string, then y string

A file is exactly header + payload: any trailing or missing byte is an error. A file at a
shipped (whole) quality is written as version 1, so decoders that predate fractional qualities
still read it.
Parsing never allocates more than the input's size, so hostile headers cannot
exhaust memory.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from odic.errors import CorruptDataError, NotOdicError, UnsupportedVersionError

MAGIC = b"ODIC"
#: The newest version this module reads and writes.
FORMAT_VERSION = 2
#: Qualities are coded in steps of 1/QUALITY_STEPS.
QUALITY_STEPS = 256
FLAG_GRAYSCALE = 0x01
#: The network coded the image shrunk to ⌈H/2⌉ × ⌈W/2⌉; the decoder enlarges it to H × W.
FLAG_HALF_SIZE = 0x02
_KNOWN_FLAGS = FLAG_GRAYSCALE | FLAG_HALF_SIZE
#: How much smaller than the source a file's picture may be coded: full size, or half (flag bit 1).
RESAMPLES = (1, 2)
_FIXED = struct.Struct("<4sB4sBBB")
_TAIL = struct.Struct("<II")
#: No dimension above this is accepted; 2**20 px is far beyond any real photo side.
MAX_SIDE = 1 << 20
_MAX_VARINT_BYTES = 4  # up to 2**28 - 1: enough for MAX_SIDE and any payload we write


def bits_per_pixel(num_bytes: int, pixels: int) -> float:
    """The rate of ``num_bytes`` spent on ``pixels`` pixels, the unit every figure of odic uses
    (0 for no pixels)."""
    return 8.0 * num_bytes / pixels if pixels else 0.0


def coded_size(height: int, width: int, resample: int) -> tuple[int, int]:
    """(height, width) of the picture the latents hold for an H × W source."""
    return -(-height // resample), -(-width // resample)


@dataclass(frozen=True)
class Header:
    """Everything a decoder needs besides the entropy-coded strings."""

    model_id: bytes
    alpha: float
    #: A multiple of 1/QUALITY_STEPS: a shipped quality, or one between two shipped ones.
    quality: float
    height: int
    width: int
    grayscale: bool
    len_z: int
    len_y: int
    symbols_crc: int
    #: 2: the latents code the image at half size (``coded_size``), 1: at full size.
    resample: int = 1

    @property
    def coded_size(self) -> tuple[int, int]:
        """(height, width) of the picture the latents hold."""
        return coded_size(self.height, self.width, self.resample)

    @property
    def alpha_code(self) -> int:
        return round(self.alpha * 100)

    @property
    def version(self) -> int:
        """The oldest format version that holds this header: 2 only for a fractional quality."""
        return 1 if float(self.quality).is_integer() else 2


@dataclass(frozen=True)
class OdicFile:
    """A parsed file: its header and the two entropy-coded strings."""

    header: Header
    z_string: bytes
    y_string: bytes

    @property
    def header_size(self) -> int:
        """Bytes before the payload, CRC included."""
        return len(_header_bytes(self.header)) + 4


def varint(value: int) -> bytes:
    """``value`` as LEB128, the header's sizes and the lengths inside a payload (at most 4 bytes)."""
    if value < 0 or value >= 1 << (7 * _MAX_VARINT_BYTES):
        raise ValueError(f"value {value} does not fit the header")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The varint at ``data[pos:]`` and the position after it; :class:`CorruptDataError` if malformed."""
    value = 0
    for i in range(_MAX_VARINT_BYTES):
        if pos + i >= len(data):
            raise CorruptDataError("truncated header")
        byte = data[pos + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return value, pos + i + 1
    raise CorruptDataError("malformed header field")


def _header_bytes(h: Header) -> bytes:
    if len(h.model_id) != 4:
        raise ValueError("model_id must be 4 bytes")
    if not 0 <= h.alpha_code <= 100:
        raise ValueError(f"alpha {h.alpha} outside [0, 1]")
    if not (1 <= h.height <= MAX_SIDE and 1 <= h.width <= MAX_SIDE):
        raise ValueError(f"image size {h.width}x{h.height} outside 1..{MAX_SIDE}")
    if h.resample not in RESAMPLES:
        raise ValueError(f"resample {h.resample} is not one of {RESAMPLES}")
    steps = h.quality * QUALITY_STEPS
    if not (float(steps).is_integer() and 0 <= h.quality < 256):
        raise ValueError(f"quality {h.quality} is not a multiple of 1/{QUALITY_STEPS} in [0, 256)")
    whole, fraction = divmod(int(steps), QUALITY_STEPS)
    flags = (FLAG_GRAYSCALE if h.grayscale else 0) | (FLAG_HALF_SIZE if h.resample == 2 else 0)
    fixed = _FIXED.pack(MAGIC, h.version, h.model_id, h.alpha_code, whole, flags)
    if h.version == 2:
        fixed += bytes([fraction])
    sizes = b"".join(varint(v) for v in (h.height, h.width, h.len_z, h.len_y))
    return fixed + sizes + struct.pack("<I", h.symbols_crc)


def serialize(header: Header, z_string: bytes, y_string: bytes) -> bytes:
    """Assemble a complete ``.odic`` file."""
    if (len(z_string), len(y_string)) != (header.len_z, header.len_y):
        raise ValueError("header lengths do not match the strings")
    head = _header_bytes(header)
    crc = zlib.crc32(y_string, zlib.crc32(z_string, zlib.crc32(head)))
    return head + struct.pack("<I", crc) + z_string + y_string


def parse(data: bytes) -> OdicFile:
    """Parse and verify a complete ``.odic`` file.

    Raises :class:`NotOdicError`, :class:`UnsupportedVersionError` or
    :class:`CorruptDataError`; checks the CRC32 before returning, so the
    entropy decoder never sees altered bytes.
    """
    data = bytes(data)
    if len(data) < len(MAGIC) or data[: len(MAGIC)] != MAGIC:
        raise NotOdicError("not an .odic file (bad magic bytes)")
    if len(data) < _FIXED.size:
        raise CorruptDataError("truncated header")
    _, version, model_id, alpha_code, quality, flags = _FIXED.unpack_from(data)
    if version > FORMAT_VERSION:
        raise UnsupportedVersionError(
            f"format version {version} is newer than this decoder's ({FORMAT_VERSION}); upgrade odic"
        )
    if version < 1:
        raise CorruptDataError(f"invalid format version {version}")
    if alpha_code > 100 or flags & ~_KNOWN_FLAGS:
        raise CorruptDataError("invalid header field")
    pos = _FIXED.size
    if version == 2:
        if len(data) <= pos:
            raise CorruptDataError("truncated header")
        if data[pos] == 0:  # a whole quality is written as version 1: one file, one encoding
            raise CorruptDataError("version 2 header without a fractional quality")
        quality += data[pos] / QUALITY_STEPS
        pos += 1
    height, pos = read_varint(data, pos)
    width, pos = read_varint(data, pos)
    len_z, pos = read_varint(data, pos)
    len_y, pos = read_varint(data, pos)
    if not (1 <= height <= MAX_SIDE and 1 <= width <= MAX_SIDE):
        raise CorruptDataError(f"invalid image size {width}x{height}")
    if len(data) < pos + _TAIL.size:
        raise CorruptDataError("truncated header")
    symbols_crc, crc = _TAIL.unpack_from(data, pos)
    body = pos + _TAIL.size
    expected = body + len_z + len_y
    if len(data) != expected:
        kind = "truncated" if len(data) < expected else "trailing bytes after"
        raise CorruptDataError(f"{kind} payload ({len(data)} bytes, header says {expected})")
    if zlib.crc32(data[body:], zlib.crc32(data[: pos + 4])) != crc:
        raise CorruptDataError("CRC32 mismatch: the file is corrupted")
    header = Header(
        model_id=model_id,
        alpha=alpha_code / 100,
        quality=quality,
        height=height,
        width=width,
        grayscale=bool(flags & FLAG_GRAYSCALE),
        len_z=len_z,
        len_y=len_y,
        symbols_crc=symbols_crc,
        resample=2 if flags & FLAG_HALF_SIZE else 1,
    )
    return OdicFile(header, data[body : body + len_z], data[body + len_z :])
