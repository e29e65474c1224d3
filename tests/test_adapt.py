"""Label-free observer adaptation: the loss falls, the file loads as an observer, errors are one line."""

from __future__ import annotations

from pathlib import Path

import torch
from PIL import Image

from odic.observers import create_evaluator
from odic.observers.adapted import load_adapted
from odic.observers.timm_observers import create_observer
from odic.train.adapt import AdaptConfig, adapt, compressed_pairs, distillation_loss, split_pair
from odic.train.data import CropSampler
from tests.conftest import random_image, run_cli


def _photos(folder: Path, n: int = 2) -> Path:
    folder.mkdir()
    for i in range(n):
        Image.fromarray(random_image(120, 160, seed=i)).save(folder / f"p{i}.png")
    return folder


def test_adaptation_lowers_the_loss_and_loads_as_an_observer(tmp_path: Path) -> None:
    train = _photos(tmp_path / "train")
    out = tmp_path / "adapted.pt"
    cfg = AdaptConfig(observer="lite0", codec="jpeg", rate=0.3, train=[str(train)], steps=8, out=str(out),
                      batch=2, lr=1e-4, checkpoint_every=4)
    teacher = create_observer("lite0")
    pairs = compressed_pairs(sorted(train.iterdir()), "jpeg", 0.3, 256)
    clean, degraded = split_pair(CropSampler(pairs, 224, 4, seed=123).batch_at(0))
    with torch.no_grad():
        before = distillation_loss(teacher, teacher, clean, degraded, 2.0, 1.0).item()
    adapt(cfg)
    student = create_evaluator(f"adapted:{out}")
    with torch.no_grad():
        after = distillation_loss(student, teacher, clean, degraded, 2.0, 1.0).item()  # type: ignore[arg-type]
    assert after < before
    assert student.name == "adapted:adapted.pt"
    assert student.classify([Image.fromarray(random_image(64, 64))]).shape == (1, 1000)
    assert (tmp_path / "adapted.pt.ckpt").exists()
    assert any(not torch.equal(a, b) for a, b in zip(student.model.state_dict().values(), teacher.model.state_dict().values()))


def test_a_non_observer_file_is_a_one_line_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.pt"
    bogus.write_bytes(b"not a checkpoint")
    try:
        load_adapted(bogus)
    except Exception as e:  # noqa: BLE001
        assert "not an adapted observer" in str(e)
    else:
        raise AssertionError("loaded a bogus file")
    r = run_cli("lab", "adapt-classifier", "--codec", "jpeg", "--rate", "0.25", "--train", str(tmp_path / "none"),
                "--out", str(tmp_path / "o.pt"), "--steps", "1")
    assert r.returncode == 2 and r.stderr.decode().count("\n") == 1
