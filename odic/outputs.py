"""Where results may be written, so that no command ever loses a user's file.

Three rules, checked before any work starts:

- an output is never one of the inputs (the same path, a link to it or another name for it),
  even with ``--force``;
- two inputs never map to one output (``a.png`` and ``a.jpg`` both to ``a.odic``): the second
  would silently replace the first;
- ``--force`` replaces only an *earlier odic output*: an ``.odic`` file, or an image whose EXIF
  ``Software`` tag says odic wrote it (:func:`mark`). A photo that happens to have the output's
  name is never replaced.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from odic.codec.bitstream import MAGIC
from odic.errors import OdicError

#: EXIF tag 0x0131 (Software) of every image odic writes.
SOFTWARE_TAG = 0x0131
SOFTWARE = "odic"


def _identity(path: Path) -> tuple[object, ...]:
    """What makes two paths the same file: the device and inode where it exists (links, other
    names), else the resolved path."""
    try:
        st = path.stat()
    except OSError:
        return ("path", path.resolve())
    return ("inode", st.st_dev, st.st_ino)


def check_plan(plan: Sequence[tuple[Path | None, Path | None]], labels: Sequence[str]) -> None:
    """Refuse a plan of ``(input, output)`` pairs that would write over an input or write one
    output twice. ``None`` is standard input or output; ``labels`` name the inputs in messages.
    Each path is looked at once, so a tree of many thousand files is checked in linear time."""
    inputs = {_identity(path): label for (path, _), label in zip(plan, labels) if path is not None}
    first: dict[Path, str] = {}
    for (_, target), label in zip(plan, labels):
        if target is None:
            continue
        source = inputs.get(_identity(target))
        if source is not None:
            raise OdicError(f"{label}: its output {target} is the input {source}; odic never overwrites an input")
        key = target.resolve()
        if key in first:
            raise OdicError(f"{first[key]} and {label} would both write {target}; rename one or use separate outputs")
        first[key] = label


def mark() -> Image.Exif:
    """EXIF that says odic wrote an image (pass as ``exif=`` to ``Image.save``)."""
    exif = Image.Exif()
    exif[SOFTWARE_TAG] = SOFTWARE
    return exif


def is_odic_output(path: Path) -> bool:
    """Whether ``path`` holds something odic wrote: an .odic file or a marked image."""
    with open(path, "rb") as f:
        head = f.read(len(MAGIC))
    if head == MAGIC:
        return True
    try:
        with Image.open(path) as image:
            return image.getexif().get(SOFTWARE_TAG) == SOFTWARE
    except (OSError, ValueError, Image.DecompressionBombError):
        return False


def check_replace(target: Path, force: bool) -> None:
    """Refuse to replace an existing ``target`` unless ``force`` and it is an earlier odic output."""
    if not target.exists():
        return
    if not force:
        raise OdicError(f"{target} exists (use --force to overwrite)")
    if not target.is_file() or not is_odic_output(target):
        raise OdicError(f"{target} exists and is not an earlier odic output; --force replaces only those")


def encoded_image(image: Image.Image, pil_format: str) -> bytes:
    """``image`` in ``pil_format``, marked as odic's output where the format carries EXIF."""
    buffer = io.BytesIO()
    image.save(buffer, format=pil_format, exif=mark())  # BMP and PPM carry no EXIF: they ignore it
    return buffer.getvalue()
