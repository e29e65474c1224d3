"""A torch ``Dataset`` over a compressed tree: train or evaluate classifiers on decoded images."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image
from torch.utils.data import Dataset

from odic.data.dataset import inside, read_manifest


class CompressedImageFolder(Dataset):
    """Decodes the files of a ``compress_dataset`` output on the fly.

    Labels come from a CSV (``file,class_index``, matched on the source path or
    its file name) or, without one, from the first folder of each path (sorted
    folder names → 0, 1, …), like torchvision's ``ImageFolder``.
    """

    def __init__(self, root: Path, labels: Path | None = None,
                 transform: Callable[[Image.Image], Any] | None = None):
        self.root = Path(root)
        self.entries = [entry for _, entry in sorted(read_manifest(self.root).items())]
        self.transform = transform
        if labels is not None:
            with open(labels, newline="") as f:
                table = {row["file"]: int(row["class_index"]) for row in csv.DictReader(f)}
            self.labels = [table.get(e["path"], table.get(Path(e["path"]).name, -1)) for e in self.entries]
            self.classes: list[str] = []
        else:
            self.classes = sorted({Path(e["path"]).parts[0] for e in self.entries if len(Path(e["path"]).parts) > 1})
            index = {name: i for i, name in enumerate(self.classes)}
            self.labels = [index.get(Path(e["path"]).parts[0], -1) for e in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i: int) -> tuple[Any, int]:
        from odic import codecs

        entry = self.entries[i]
        data = inside(self.root, entry["file"]).read_bytes()
        image = codecs.get(entry["codec"]).decode(data)
        image = image.convert("RGB")
        return (self.transform(image) if self.transform else image), self.labels[i]
