"""``odic compare``: the page holds every codec near the target size, and a real browser draws it."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import random_image, run_cli

MAGENTA = (255, 0, 255)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    folder = tmp_path_factory.mktemp("compare")
    photo = random_image(96, 128, seed=7).copy()
    photo[32:64, 48:80] = MAGENTA  # a patch the screenshot test can find in every drawn picture
    Image.fromarray(photo).save(folder / "photo.png")
    r = run_cli("compare", str(folder / "photo.png"), "--bpp", "1.0", "--codecs", "odic:0,jpeg,webp",
                "-o", str(folder / "compare.html"))
    assert r.returncode == 0, r.stderr.decode()
    return folder, (folder / "compare.html").read_text(), r.stderr.decode()


def test_the_page_embeds_the_original_and_every_codec(page: tuple[Path, str, str]) -> None:
    _, text, _ = page
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', text)
    assert [alt for _, alt in images] == ["original", "odic:0", "jpeg", "webp"]
    from io import BytesIO

    sizes = {Image.open(BytesIO(base64.b64decode(data))).size for data, _ in images}
    assert sizes == {(128, 96)}
    assert "http" not in text.replace("http-equiv", "")  # self-contained: nothing fetched from the network


def test_classical_codecs_land_near_the_target_and_report_their_figures(page: tuple[Path, str, str]) -> None:
    _, text, log = page
    rates = {m[0]: float(m[1]) for m in re.findall(r"^(jpeg|webp)\s.*?([\d.]+) bpp", log, flags=re.M)}
    assert set(rates) == {"jpeg", "webp"}
    assert all(abs(r - 1.0) < 0.25 for r in rates.values()), rates
    assert text.count("MS-SSIM") >= 3 and "PSNR" in text


def test_an_existing_page_is_kept_without_force(page: tuple[Path, str, str]) -> None:
    folder, _, _ = page
    r = run_cli("compare", str(folder / "photo.png"), "--codecs", "jpeg", "-o", str(folder / "compare.html"))
    assert r.returncode == 2 and b"exists" in r.stderr


def test_a_headless_browser_draws_every_panel(page: tuple[Path, str, str], tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium on this machine (Debian: apt install chromium)")
    folder, _, _ = page
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={shot}", "--window-size=1600,1200", (folder / "compare.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    magenta = (pixels[..., 0] > 190) & (pixels[..., 1] < 90) & (pixels[..., 2] > 190)
    # The 32 × 32 patch, drawn at least at its own size in the original's panel, the three codecs'
    # panels and the slider: five pictures.
    assert magenta.sum() > 5 * 32 * 32 * 0.7, magenta.sum()
