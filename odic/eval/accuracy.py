"""Top-1 / top-5 of an observer on a labelled image folder."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image
from rich.progress import track

from odic.observers import Evaluator


@dataclass(frozen=True)
class Labelled:
    path: Path
    label: int


def read_labels(csv_path: Path, images: Path | None = None) -> list[Labelled]:
    """Rows ``file,class_index,…`` of ``labels.csv``; files resolved against ``images``."""
    root = images if images is not None else csv_path.parent
    with open(csv_path, newline="") as f:
        return [Labelled(root / row["file"], int(row["class_index"])) for row in csv.DictReader(f)]


def top_k(
    observer: Evaluator,
    items: Iterable[Labelled],
    load: Callable[[Path], Image.Image] = lambda p: Image.open(p).convert("RGB"),
    batch: int = 16,
    progress: bool = False,
) -> dict[str, float]:
    """Top-1 and top-5 accuracy with the observer's own eval preprocessing.

    ``load`` lets callers substitute a decoded (compressed) version of each image.
    """
    items = list(items)
    hits1 = hits5 = 0
    batches = [items[i : i + batch] for i in range(0, len(items), batch)]
    for chunk in track(batches, description=observer.name, disable=not progress):
        top5 = observer.classify([load(item.path) for item in chunk]).topk(5, dim=1).indices
        labels = torch.tensor([item.label for item in chunk])[:, None]
        hits1 += int((top5[:, :1] == labels).sum())
        hits5 += int((top5 == labels).any(dim=1).sum())
    return {"top1": hits1 / len(items), "top5": hits5 / len(items), "images": len(items)}
