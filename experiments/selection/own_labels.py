"""Labels for an unlabelled folder: what an observer itself says of each original.

Why: networks are chosen on training data only (BSDS, no ImageNet labels). With these labels,
``odic lab sweep --labels`` measures how often the observer still gives a decoded image the label it
gives the original (agreement), through the real codec and the observer's own eval transform:

    python experiments/selection/own_labels.py ../shared/data/train lite0 runs/bsds-lite0.csv
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import torch
from PIL import Image

from odic.data.files import find_images
from odic.observers import create_evaluator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", type=Path)
    parser.add_argument("observer", help="Observer spec, as odic lab sweep --judges takes it.")
    parser.add_argument("out", type=Path, help="labels.csv to write (file,class_index).")
    args = parser.parse_args()
    observer = create_evaluator(args.observer)
    paths = find_images(args.images)
    with torch.inference_mode():
        labels = [int(observer.classify([Image.open(p).convert("RGB")]).argmax(1)) for p in paths]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "class_index"])
        writer.writerows((p.relative_to(args.images).as_posix(), label) for p, label in zip(paths, labels))


if __name__ == "__main__":
    main()
