"""Datasets: file discovery, whole-collection compression, and reading compressed trees."""

from odic.data.dataset import compress_dataset, decompress_dataset
from odic.data.folder import CompressedImageFolder

__all__ = ["CompressedImageFolder", "compress_dataset", "decompress_dataset"]
