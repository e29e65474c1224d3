"""Shared fixtures.

Real trained weights are not needed to test the codec machinery: a session
fixture exports small randomly initialised models through the same
:func:`odic.codec.zoo.export` path that ships trained ones, and points
``$ODIC_WEIGHTS`` at them (subprocesses inherit it).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from odic.codec import zoo
from odic.train.models import create_model

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
KODAK = SHARED / "data" / "kodak"

#: (alpha, quality, architecture) of the test models.
TEST_MODELS = [
    (0.0, 1, "mean-scale-hyperprior"),
    (0.0, 2, "scale-hyperprior"),
    (0.5, 1, "mean-scale-hyperprior"),
    (1.0, 1, "mean-scale-hyperprior"),
    (0.0, 3, "gained-checkerboard-hyperprior"),
]


@pytest.fixture(scope="session")
def weights_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("weights")
    for i, (alpha, quality, arch) in enumerate(TEST_MODELS):
        torch.manual_seed(i)
        model = create_model(arch, 16, 24)
        if arch == "gained-checkerboard-hyperprior":  # a context that predicts something, as a trained one does
            with torch.no_grad():
                for p in model.entropy_parameters[-1].parameters():
                    p.normal_(0, 0.05)
        zoo.export(model, directory, name=f"test-a{alpha:g}-q{quality}", architecture=arch, N=16, M=24,
                   alpha=alpha, points=[zoo.OperatingPoint(quality=quality, lmbda=1.0)], training_data="random init (tests)")
    return directory


@pytest.fixture(autouse=True, scope="session")
def _use_test_weights(weights_dir: Path):
    old = os.environ.get("ODIC_WEIGHTS")
    os.environ["ODIC_WEIGHTS"] = str(weights_dir)
    yield
    if old is None:
        os.environ.pop("ODIC_WEIGHTS", None)
    else:
        os.environ["ODIC_WEIGHTS"] = old


@contextlib.contextmanager
def shipped_weights() -> Iterator[None]:
    """Inside it, odic finds the shipped networks (odic/weights/) instead of the test models; a test
    that needs real tables skips where a checkout has no shipped weights."""
    if not (zoo.DEFAULT_DIR / zoo.MANIFEST).exists():
        pytest.skip("no shipped weights in odic/weights/")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ODIC_WEIGHTS", str(zoo.DEFAULT_DIR))
        yield


def random_image(height: int, width: int, seed: int = 0, channels: int = 3) -> np.ndarray:
    """A smooth random image (noise would be unrealistically expensive to code)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (max(1, height // 8), max(1, width // 8), channels), dtype=np.uint8)
    mode = "RGB" if channels == 3 else "L" if channels == 1 else "RGBA"
    im = Image.fromarray(small.squeeze(-1) if channels == 1 else small, mode).resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(im)


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a fresh interpreter, as a user would."""
    return subprocess.run([sys.executable, "-m", "odic", *args], input=input, capture_output=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=300)
