"""Dataset compression: mirrored tree, manifest, failures reported, and kill -9 + resume."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from odic.data.dataset import MANIFEST, compress_dataset, decompress_dataset
from odic.errors import OdicError
from tests.conftest import random_image


def _tree(root: Path, count: int, size: int = 64) -> Path:
    for i in range(count):
        sub = root / f"class{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        Image.fromarray(random_image(size, size + 8, seed=i)).save(sub / f"img{i}.png")
    return root


def test_compress_and_decompress_a_tree(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src", 5)
    (src / "class0" / "broken.png").write_bytes(b"not a png")
    summary = compress_dataset(src, tmp_path / "dst", quality=1)
    assert summary.files == 5 and [rel for rel, _ in summary.failed] == ["class0/broken.png"]
    entries = [json.loads(line) for line in (tmp_path / "dst" / MANIFEST).read_text().splitlines()]
    assert [e["path"] for e in entries] == sorted(e["path"] for e in entries)
    assert all((tmp_path / "dst" / e["file"]).stat().st_size == e["bytes"] for e in entries)
    assert summary.ratio > 1 and summary.mean_bpp > 0
    again = compress_dataset(src, tmp_path / "dst", quality=1)
    assert again.skipped == 5 and again.files == 5
    decompress_dataset(tmp_path / "dst", tmp_path / "png")
    assert Image.open(tmp_path / "png" / "class1" / "img1.png").size == (72, 64)


def test_classical_codec_and_workers_give_the_same_files(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src", 4)
    compress_dataset(src, tmp_path / "one", codec="jpeg", target_bpp=1.0)
    compress_dataset(src, tmp_path / "two", codec="jpeg", target_bpp=1.0, workers=2)
    for path in (tmp_path / "one").rglob("*.jpg"):
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes()


def test_kill_minus_nine_and_resume(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src", 24, size=192)
    dst = tmp_path / "dst"
    cmd = [sys.executable, "-m", "odic", "compress-dataset", str(src), str(dst), "--quality", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        lines = (dst / MANIFEST).read_bytes().count(b"\n") if (dst / MANIFEST).exists() else 0
        if lines >= 3:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed: give it more images"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = {p: p.stat().st_mtime_ns for p in dst.rglob("*.odic")}
    assert 0 < len(before) < 24
    r = subprocess.run(cmd, capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    after = {p: p.stat().st_mtime_ns for p in dst.rglob("*.odic")}
    assert len(after) == 24 and not list(dst.rglob("*.part"))
    assert all(after[p] == t for p, t in before.items()), "a complete file was encoded again"
    entries = [json.loads(line) for line in (dst / MANIFEST).read_text().splitlines()]
    assert len(entries) == 24 and all((dst / e["file"]).stat().st_size == e["bytes"] for e in entries)
    decoded = decompress_dataset(dst, tmp_path / "png")
    assert decoded.files == 24
    assert np.asarray(Image.open(tmp_path / "png" / "class0" / "img0.png")).shape == (192, 200, 3)


def test_compressed_image_folder(tmp_path: Path) -> None:
    import torch
    from torchvision.transforms.functional import to_tensor

    from odic import CompressedImageFolder

    src = _tree(tmp_path / "src", 6)
    compress_dataset(src, tmp_path / "dst", quality=1)
    folder = CompressedImageFolder(tmp_path / "dst", transform=to_tensor)
    assert len(folder) == 6 and folder.classes == ["class0", "class1", "class2"]
    i = [e["path"] for e in folder.entries].index("class1/img4.png")
    x, label = folder[i]
    assert isinstance(x, torch.Tensor) and x.shape == (3, 64, 72) and label == 1
    labels = tmp_path / "labels.csv"
    labels.write_text("file,class_index\nimg4.png,42\n")
    assert CompressedImageFolder(tmp_path / "dst", labels=labels)[i][1] == 42
    # Picklable: two DataLoader workers decode the same tensors as this process.
    from torch.utils.data import DataLoader

    loaded = [x for batch, _ in DataLoader(folder, batch_size=3, num_workers=2) for x in batch]
    assert all(torch.equal(a, folder[k][0]) for k, a in enumerate(loaded))


def test_ray_engine_writes_the_same_files_as_local(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray", reason="the 'scale' extra (Ray) is not installed")
    src = _tree(tmp_path / "src", 4)
    compress_dataset(src, tmp_path / "local", quality=1)
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    except Exception as e:  # noqa: BLE001 — any failure to start Ray is a reason to skip, not to fail
        pytest.skip(f"Ray cannot start here: {e}")
    try:
        compress_dataset(src, tmp_path / "ray", quality=1, engine="ray")
    finally:
        ray.shutdown()
    local_files = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*.odic"))
    assert local_files == sorted(p.relative_to(tmp_path / "ray") for p in (tmp_path / "ray").rglob("*.odic"))
    for rel in local_files:
        assert (tmp_path / "local" / rel).read_bytes() == (tmp_path / "ray" / rel).read_bytes()


def test_a_rerun_recodes_what_changed_and_keeps_what_did_not(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src", 3)
    dst = tmp_path / "dst"
    compress_dataset(src, dst, quality=1)
    Image.fromarray(random_image(64, 72, seed=99)).save(src / "class1" / "img1.png")  # a source changed
    again = compress_dataset(src, dst, quality=1)
    assert again.skipped == 2 and again.files == 3
    other = compress_dataset(src, dst, quality=2)  # other settings: nothing is stale
    assert other.skipped == 0
    entries = [json.loads(line) for line in (dst / MANIFEST).read_text().splitlines()]
    assert {e["quality"] for e in entries} == {2}


def test_two_sources_for_one_output_are_refused_before_any_work(tmp_path: Path) -> None:
    from odic.errors import OdicError

    src = tmp_path / "src"
    src.mkdir()
    Image.fromarray(random_image(32, 32, seed=1)).save(src / "a.png")
    Image.fromarray(random_image(32, 32, seed=2)).save(src / "a.jpg")
    with pytest.raises(OdicError, match="a.jpg and .*a.png would both"):
        compress_dataset(src, tmp_path / "dst", quality=1)
    assert not (tmp_path / "dst").exists()


@pytest.mark.parametrize("path", ["../../escape.odic", "/tmp/escape.odic", "a/../../escape.odic", ""])
def test_a_manifest_path_outside_the_tree_is_refused(tmp_path: Path, path: str) -> None:
    from odic import CompressedImageFolder
    from odic.errors import OdicError

    src = _tree(tmp_path / "src", 1)
    dst = tmp_path / "dst"
    compress_dataset(src, dst, quality=1)
    (entry,) = [json.loads(line) for line in (dst / MANIFEST).read_text().splitlines()]
    (dst / MANIFEST).write_text(json.dumps({**entry, "file": path}) + "\n")
    with pytest.raises(OdicError, match="inside the tree"):
        decompress_dataset(dst, tmp_path / "png")
    with pytest.raises(OdicError, match="inside the tree"):
        CompressedImageFolder(dst)
    (dst / MANIFEST).write_text(json.dumps({**entry, "path": path}) + "\n")
    with pytest.raises(OdicError, match="inside the tree"):
        decompress_dataset(dst, tmp_path / "png")
    assert not (tmp_path / "escape.odic").exists() and not (tmp_path / "png").exists()


def test_a_target_bpp_codes_each_image_at_what_fits(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src", 3, size=96)
    dst = tmp_path / "dst"
    sizes = [compress_dataset(src, tmp_path / f"q{q}", quality=q).mean_bpp for q in (1, 2)]
    target = (sizes[0] + sizes[1]) / 2  # between the test networks' two qualities
    compress_dataset(src, dst, alpha=0.0, target_bpp=target)
    entries = [json.loads(line) for line in (dst / MANIFEST).read_text().splitlines()]
    assert all(e["bpp"] <= target and e["target_bpp"] == target and e["setting"] in (1, 2) for e in entries)
    assert compress_dataset(src, dst, alpha=0.0, target_bpp=target).skipped == 3
    assert compress_dataset(src, dst, alpha=0.0, target_bpp=target * 2).skipped == 0  # another target recodes
    with pytest.raises(OdicError):
        compress_dataset(src, dst, quality=1, target_bpp=target)
