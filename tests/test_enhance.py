"""JPEG post-processing: training lowers its loss, export + `odic enhance` work end to end."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from odic.train.enhancer import EnhanceConfig, EnhancerTrainer, export_enhancer, jpeg_round_trip
from tests.conftest import random_image, run_cli


def test_jpeg_round_trip_degrades() -> None:
    x = torch.from_numpy(random_image(32, 48).copy()).permute(2, 0, 1).float() / 255
    y = jpeg_round_trip(x, 5)
    assert y.shape == x.shape and 0 < (y - x).abs().mean() < 0.2


def test_training_export_and_cli(tmp_path: Path) -> None:
    data = tmp_path / "train"
    data.mkdir()
    for i in range(2):
        Image.fromarray(random_image(80, 96, seed=i)).save(data / f"t{i}.png")
    cfg = EnhanceConfig(out=str(tmp_path / "run"), data=[str(data)], kind="recognition", steps=12, crop=64, batch=2,
                        lr=1e-3, channels=8, layers=3, checkpoint_every=6)
    trainer = EnhancerTrainer(cfg)
    probe = trainer.pair(0)
    before = trainer.loss(*probe)[0].item()
    trainer.run()
    after = EnhancerTrainer(cfg).loss(*probe)[0].item()  # a fresh trainer resumes from the checkpoint
    assert after < before

    weights = tmp_path / "weights"
    entry = export_enhancer(tmp_path / "run" / "last.ckpt", weights, "tiny-recognition")
    assert entry.kind == "recognition" and entry.steps == 12
    Image.fromarray(random_image(40, 56)).save(tmp_path / "in.jpg", quality=10)
    env = {"ODIC_WEIGHTS": os.pathsep.join([os.environ["ODIC_WEIGHTS"], str(weights)])}
    r = run_cli("enhance", str(tmp_path / "in.jpg"), "-o", str(tmp_path / "out.png"), env=env)
    assert r.returncode == 0, r.stderr.decode()
    assert np.asarray(Image.open(tmp_path / "out.png")).shape == (40, 56, 3)
    r = run_cli("enhance", str(tmp_path / "in.jpg"), "--model", "nope", env=env)
    assert r.returncode == 2 and "no enhancer nope" in r.stderr.decode() and r.stderr.decode().count("\n") == 1


def test_sweep_runs_a_codec_followed_by_an_enhancer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from odic.eval import sweep
    from odic.eval.accuracy import Labelled

    weights, _ = _tiny_enhancer(tmp_path, steps=2)
    monkeypatch.setenv("ODIC_WEIGHTS", os.pathsep.join([os.environ["ODIC_WEIGHTS"], str(weights)]))
    image = tmp_path / "a.png"
    Image.fromarray(random_image(48, 64)).save(image)
    plain, enhanced = sweep.plan([Labelled(image, None)], ["jpeg", "jpeg+tiny-plain"], rates=[0.5])
    a, b = sweep.evaluate(plain, []), sweep.evaluate(enhanced, [])
    assert a["bytes"] == b["bytes"] and a["psnr"] != b["psnr"]  # same JPEG file, other pixels
    assert enhanced.model.endswith(">" + _entry_digest(weights))


def _tiny_enhancer(tmp_path: Path, steps: int) -> tuple[Path, dict]:
    """A 3-layer plain enhancer trained ``steps`` steps on one photo, exported as "tiny-plain":
    (its weights directory, its manifest entry)."""
    data = tmp_path / "train"
    data.mkdir()
    Image.fromarray(random_image(80, 96)).save(data / "t.png")
    cfg = EnhanceConfig(out=str(tmp_path / "run"), data=[str(data)], kind="plain", steps=steps, crop=64, batch=1,
                        channels=4, layers=3)
    EnhancerTrainer(cfg).run()
    weights = tmp_path / "weights"
    return weights, export_enhancer(tmp_path / "run" / "last.ckpt", weights, "tiny-plain")


def _entry_digest(weights: Path) -> str:
    import json

    return json.loads((weights / "enhancers.json").read_text())["enhancers"][0]["sha256"][:8]


def test_a_changed_enhancer_file_is_refused_like_a_changed_codec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from odic.enhance import load_enhancer
    from odic.errors import WeightsIntegrityError

    weights, entry = _tiny_enhancer(tmp_path, steps=1)
    monkeypatch.setenv("ODIC_WEIGHTS", str(weights))
    assert load_enhancer("tiny-plain") is not None
    with open(weights / entry.file, "ab") as f:
        f.write(b"\0")
    with pytest.raises(WeightsIntegrityError):
        load_enhancer("tiny-plain")


def test_a_codec_enhancer_chain_is_a_codec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``jpeg+NAME`` codes like JPEG and decodes through the enhancer; its version names both."""
    from odic import codecs
    from odic.codec.image import load_image
    from odic.errors import UnknownModelError

    weights, card = _tiny_enhancer(tmp_path, steps=1)
    monkeypatch.setenv("ODIC_WEIGHTS", str(weights))
    chain, jpeg = codecs.get("jpeg+tiny-plain"), codecs.get("jpeg")
    image = load_image(random_image(48, 64))
    coded, plain = chain.encode(image, 30, decoded=True), jpeg.encode(image, 30, decoded=True)
    assert coded.data == plain.data and chain.ladder() == jpeg.ladder()
    assert coded.pixels is not None and plain.pixels is not None and not np.array_equal(coded.pixels, plain.pixels)
    assert np.array_equal(np.asarray(chain.decode(coded.data)), coded.pixels)
    assert chain.version(30) == ">" + card.sha256[:8] and chain.stamp(30, None)["enhancer"] == card.sha256[:8]
    with pytest.raises(UnknownModelError, match="no enhancer"):
        codecs.get("jpeg+nope")


def test_manifest_records_keep_what_they_do_not_model(tmp_path: Path) -> None:
    """A field a later odic adds survives a read and a write (in ``extra``), for both kinds."""
    from odic.codec import zoo

    weights, card = _tiny_enhancer(tmp_path, steps=1)
    manifest = weights / zoo.ENHANCERS
    import json

    entries = json.loads(manifest.read_text())
    entries["enhancers"][0]["kodak_gain"] = 0.5
    manifest.write_text(json.dumps(entries))
    (read,) = zoo.read_records(zoo.EnhancerCard, weights)
    assert read.extra == {"kodak_gain": 0.5} and read.name == card.name and read.path == weights / card.file
    zoo.write_records(zoo.EnhancerCard, weights, [read])
    assert zoo.read_records(zoo.EnhancerCard, weights) == [read] and (weights / card.file).exists()
    zoo.write_records(zoo.EnhancerCard, weights, [])
    assert not (weights / card.file).exists()  # a file no record names leaves with its record
