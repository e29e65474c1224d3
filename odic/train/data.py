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

from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from PIL import Image
from torch import Tensor

from odic.data.files import find_images


class CropSampler:
    def __init__(self, dirs: Sequence[Path], crop: int, batch: int, seed: int, hold_out: int = 0):
        files = [p for d in dirs for p in find_images(Path(d))[hold_out:]]
        if not files:
            raise FileNotFoundError(f"no images in {', '.join(map(str, dirs))}")
        self.images = [torch.from_numpy(np.array(Image.open(p).convert("RGB"))).permute(2, 0, 1) for p in files]
        small = [i for i, im in enumerate(self.images) if min(im.shape[1:]) < crop]
        if small:
            raise ValueError(f"{len(small)} training images are smaller than the {crop}px crop")
        self.crop, self.batch, self.seed = crop, batch, seed

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
