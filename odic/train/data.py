"""Training crops whose content depends only on (seed, step).

Keeping every decoded training image in memory (400 BSDS photos ≈ 185 MB) and
deriving each batch from ``(seed, step)`` makes resuming exact: the batch after
a restart is the batch the killed run would have drawn, with no sampler state
to checkpoint.

``hold_out`` leaves the first images (in :func:`find_images` order) out of training: they are
the photos that choose between a candidate network and the shipped one
(``experiments/selection``, ``odic lab sweep --limit``), so the choice is made on photos the
candidate never saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import Tensor

from odic.data.files import find_images


class CropSampler:
    """Random crops (and horizontal flips) of uint8 ``(C, H, W)`` images as floats in [0, 1].

    Any channel count: a job that needs aligned crops of two pictures (an original and its
    compressed version) stacks them along the channels and splits the batch again.
    """

    def __init__(self, images: Sequence[Tensor], crop: int, batch: int, seed: int):
        if not images:
            raise ValueError("no images to crop")
        small = [i for i, im in enumerate(images) if min(im.shape[1:]) < crop]
        if small:
            raise ValueError(f"{len(small)} training images are smaller than the {crop}px crop")
        self.images, self.crop, self.batch, self.seed = list(images), crop, batch, seed

    @classmethod
    def from_folders(cls, dirs: Sequence[Path], crop: int, batch: int, seed: int, hold_out: int = 0) -> CropSampler:
        """The photos of ``dirs``, each but its first ``hold_out`` (see the module's docstring)."""
        files = [p for d in dirs for p in find_images(Path(d))[hold_out:]]
        if not files:
            raise FileNotFoundError(f"no images in {', '.join(map(str, dirs))}")
        return cls([torch.from_numpy(np.array(Image.open(p).convert("RGB"))).permute(2, 0, 1) for p in files],
                   crop, batch, seed)

    def batch_at(self, step: int) -> Tensor:
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + step)
        out = []
        for idx in torch.randint(len(self.images), (self.batch,), generator=g).tolist():
            im = self.images[idx]
            top = int(torch.randint(im.shape[1] - self.crop + 1, (1,), generator=g))
            left = int(torch.randint(im.shape[2] - self.crop + 1, (1,), generator=g))
            c = im[:, top : top + self.crop, left : left + self.crop]
            if torch.rand(1, generator=g) < 0.5:
                c = c.flip(-1)
            out.append(c)
        return torch.stack(out).float().div_(255)
