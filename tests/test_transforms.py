"""odic.transforms.Compress inside a torchvision pipeline and a multi-worker DataLoader."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

import odic
from odic.transforms import Compress
from tests.conftest import random_image


class _Images(Dataset):
    def __init__(self, transform: Compress):
        self.transform = transform

    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int) -> torch.Tensor:
        image = self.transform(Image.fromarray(random_image(32, 48, seed=i)))
        return torch.from_numpy(np.asarray(image).copy())


def test_compress_gives_the_decoders_image() -> None:
    image = Image.fromarray(random_image(32, 48))
    out = Compress("human", quality=1)(image)
    assert (out.size, out.mode) == (image.size, "RGB")
    expected = odic.decode(odic.encode(image, alpha=0.0, quality=1))
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))
    with pytest.raises(odic.OdicError):
        Compress("robot")


def test_compress_works_in_dataloader_workers() -> None:
    transform = Compress(alpha=1.0, quality=1)
    transform(Image.fromarray(random_image(8, 8)))  # a loaded network must not travel to the workers
    assert len(pickle.dumps(transform)) < 1000
    batches = list(DataLoader(_Images(transform), batch_size=2, num_workers=2))
    in_process = [t for batch in DataLoader(_Images(transform), batch_size=2) for t in batch]
    assert all(torch.equal(a, b) for a, b in zip([t for batch in batches for t in batch], in_process))


def test_compress_at_a_rate_fits_each_image_in_it() -> None:
    image = Image.fromarray(random_image(64, 96, seed=3))
    out = Compress("human", bpp=2.0)(image)
    data = odic.encode(image, alpha=0.0, bpp=2.0)
    assert 8 * len(data) / (64 * 96) <= 2.0
    np.testing.assert_array_equal(np.asarray(out), np.asarray(odic.decode(data)))
    with pytest.raises(odic.OdicError):
        Compress("human", quality=3, bpp=0.5)
