"""Finding input files: directories (recursive), globs and plain paths."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".ppm", ".pgm"})


def find_images(root: Path, suffixes: Iterable[str] = IMAGE_SUFFIXES) -> list[Path]:
    """Image files under ``root``, recursively, in sorted (reproducible) order."""
    wanted = {s.lower() for s in suffixes}
    return sorted(p for p in Path(root).rglob("*") if p.is_file() and p.suffix.lower() in wanted)


@dataclass(frozen=True)
class Input:
    """One input file and its path relative to the argument it came from.

    ``relative`` lets a directory argument be mirrored into an output directory.
    ``path`` is ``None`` for standard input.
    """

    path: Path | None
    relative: Path

    @property
    def label(self) -> str:
        return "<stdin>" if self.path is None else str(self.path)


def expand(arguments: Iterable[str], suffixes: Iterable[str]) -> list[Input]:
    """Expand CLI arguments: ``-`` (stdin), directories, glob patterns, files.

    A path that does not exist is kept as it is, so the caller reports it as a
    per-file error instead of it vanishing silently.
    """
    out: list[Input] = []
    for arg in arguments:
        if arg == "-":
            out.append(Input(None, Path("stdin")))
            continue
        path = Path(arg)
        if path.is_dir():
            out.extend(Input(p, p.relative_to(path)) for p in find_images(path, suffixes))
        elif not path.exists() and glob.has_magic(arg):
            out.extend(Input(Path(p), Path(Path(p).name)) for p in sorted(glob.glob(arg, recursive=True)))
        else:
            out.append(Input(path, Path(path.name)))
    return out
