"""A folder of links to the training photos that `odic lab train --hold-out N` never trains on.

They are the first N photos in `find_images` order, which is the order the trainer skips them in,
so a sweep of this folder judges a candidate network on photos it never saw:

    python experiments/selection/heldout.py ../shared/data/train runs/heldout 50
"""

from __future__ import annotations

import sys
from pathlib import Path

from odic.data.files import find_images


def main(data: Path, out: Path, count: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for photo in find_images(data)[:count]:
        link = out / photo.name
        if not link.exists():
            link.symlink_to(photo.resolve())
    print(f"{count} held-out photos in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
