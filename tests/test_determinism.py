"""A file decodes to the same pixels in a fresh process, with 1 or 2 threads,
and to exactly the reconstruction the encoder computed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from odic.codec import zoo
from odic.codec.image import load_image
from tests.conftest import KODAK, random_image

DECODE = """
import sys, torch
torch.set_num_threads(int(sys.argv[1]))
import numpy as np, odic
image = odic.decode(open(sys.argv[2], "rb").read())
sys.stdout.buffer.write(np.asarray(image).tobytes())
"""


def _decode_in_fresh_process(path: Path, threads: int, weights: str) -> bytes:
    env = {"ODIC_WEIGHTS": weights, "OMP_NUM_THREADS": str(threads), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", DECODE, str(threads), str(path)], capture_output=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


def _image() -> np.ndarray:
    if KODAK.exists():
        return load_image(KODAK / "kodim07.png").rgb
    return random_image(512, 768)


def _shipped_weights() -> list[str]:
    return [str(zoo.DEFAULT_DIR)] if (zoo.DEFAULT_DIR / zoo.MANIFEST).exists() else []


@pytest.mark.parametrize("which", ["test-models", "shipped-models"])
def test_decode_is_bit_exact_across_processes_and_threads(which: str, weights_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    weights = str(weights_dir) if which == "test-models" else next(iter(_shipped_weights()), None)
    if weights is None:
        pytest.skip("no shipped weights in weights/")
    monkeypatch.setenv("ODIC_WEIGHTS", weights)
    image = load_image(_image())
    for card in zoo.available()[:2]:
        encoded = zoo.load(card).encode_image(image, reconstruct=True)
        path = tmp_path / f"{card.sha256[:8]}.odic"
        path.write_bytes(encoded.data)
        for threads in (1, 2):
            pixels = _decode_in_fresh_process(path, threads, weights)
            assert pixels == encoded.reconstruction.tobytes(), f"{card.file}: {threads} thread(s) decoded other pixels"
