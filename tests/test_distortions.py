"""Each distortion does what its level says, on synthetic images; `odic lab robustness` end to end."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from odic.eval.distortions import get_distortion, list_distortions
from odic.metrics import psnr
from tests.conftest import random_image, run_cli


def smooth_image(h: int = 96, w: int = 128) -> np.ndarray:
    """Gradients and a few edges: compressible like a photo, unlike white noise."""
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * 255 / w, y * 255 / h, (x + y) % 64 * 3], axis=-1)
    rgb[30:60, 40:90] = (200, 40, 40)
    return rgb.astype(np.uint8)


def test_blur_keeps_the_mean_and_smooths() -> None:
    rgb = np.random.default_rng(3).integers(0, 256, (64, 80, 3), dtype=np.uint8)  # white noise: blur removes most
    out = get_distortion("blur").apply(rgb, 3)
    assert abs(out.astype(float).mean() - rgb.astype(float).mean()) < 1.0
    assert out.astype(float).std() < 0.5 * rgb.astype(float).std()


@pytest.mark.parametrize("sigma", [10, 50])
def test_noise_has_its_sigma(sigma: int) -> None:
    grey = np.full((128, 128, 3), 128, np.uint8)
    out = get_distortion("noise").apply(grey, sigma, seed=1)
    assert out.astype(float).std() == pytest.approx(sigma, rel=0.10)
    assert np.array_equal(out, get_distortion("noise").apply(grey, sigma, seed=1))  # deterministic per seed


def test_contrast_zero_is_flat_and_one_is_identity() -> None:
    rgb = smooth_image()
    flat = get_distortion("contrast").apply(rgb, 0.0)
    assert flat.min() == flat.max() == round(rgb.astype(float).mean())
    assert np.array_equal(get_distortion("contrast").apply(rgb, 1.0), rgb)


@pytest.mark.parametrize("target", [24, 32])
def test_jpeg2000_reaches_its_target_psnr(target: int) -> None:
    rgb = smooth_image()
    rgb = np.clip(rgb + np.random.default_rng(0).normal(0, 8, rgb.shape), 0, 255).astype(np.uint8)
    assert psnr(rgb, get_distortion("jpeg2000-psnr").apply(rgb, target)) == pytest.approx(target, abs=0.5)


def test_jpeg_quality_lowers_psnr() -> None:
    rgb = smooth_image()
    jpeg = get_distortion("jpeg-quality")
    assert psnr(rgb, jpeg.apply(rgb, 2)) < psnr(rgb, jpeg.apply(rgb, 20))


def test_no_distortion_shadows_a_codec() -> None:
    from odic.baselines import list_codecs

    assert not set(list_distortions()) & set(list_codecs())  # a sweep looks names up as distortions first


def test_every_distortion_keeps_shape_and_type() -> None:
    rgb = random_image(33, 47)
    for name in list_distortions():
        for level in get_distortion(name).levels[:2]:
            out = get_distortion(name).apply(rgb, level)
            assert out.shape == rgb.shape and out.dtype == np.uint8


def test_robustness_command(tmp_path: Path) -> None:
    images = tmp_path / "images"
    images.mkdir()
    for i in range(2):
        Image.fromarray(smooth_image()).save(images / f"im{i}.png")
    (images / "labels.csv").write_text("file,class_index\nim0.png,1\nim1.png,2\n")
    out = tmp_path / "out"
    r = run_cli("lab", "robustness", "--images", str(images), "--labels", str(images / "labels.csv"), "--judges", "lite0",
                "--distortions", "blur", "--odic", "0,1", "--out", str(out))
    assert r.returncode == 0, r.stderr.decode()
    with open(out / "summary.csv") as f:
        rows = list(csv.DictReader(f))
    families = {row["codec"] for row in rows}
    assert families == {"original", "blur", "odic:0", "odic:1"}  # the test weights have α = 0 and 1
    assert len([row for row in rows if row["codec"] == "blur"]) == len(get_distortion("blur").levels)
    assert (out / "robustness_blur.png").exists() and (out / "robustness_odic.png").exists()


def test_robustness_rejects_an_unknown_distortion(tmp_path: Path) -> None:
    (tmp_path / "labels.csv").write_text("file,class_index\n")
    r = run_cli("lab", "robustness", "--images", str(tmp_path), "--labels", str(tmp_path / "labels.csv"), "--judges", "lite0",
                "--distortions", "fog", "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert r.stderr.decode().strip().count("\n") == 0 and "unknown distortion 'fog'" in r.stderr.decode()
