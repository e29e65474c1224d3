"""The weights manifest: one entry per file, its operating points listed under it, older manifests still read."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import torch

from odic.codec import zoo
from odic.train.models import create_model

LINEAGE = [{"run": "runs/queue/a0-1", "alpha": 0.0, "steps": 10, "wall_s": 1.5, "device": "cpu"}]


def _ladder(directory: Path) -> list[zoo.ModelCard]:
    torch.manual_seed(0)
    model = create_model("gained-checkerboard-hyperprior", 16, 24)
    points = [zoo.OperatingPoint(quality=q, lmbda=float(q), level=q - 1, resample=2 if q == 1 else 1,
                                 kodak={"bpp": q / 10}) for q in (1, 2, 5)]
    return zoo.export(model, directory, architecture="gained-checkerboard-hyperprior", N=16, M=24, alpha=0.0,
                      points=points, steps=10, wall_s=1.5, lineage=LINEAGE, training_data="random init (tests)")


def test_a_file_is_listed_once_with_its_operating_points(tmp_path: Path) -> None:
    cards = _ladder(tmp_path)
    (entry,) = json.loads((tmp_path / zoo.MANIFEST).read_text())["models"]
    assert entry["file"] == cards[0].file and entry["extra"]["lineage"] == LINEAGE
    assert [p["quality"] for p in entry["points"]] == [1, 2, 5] and "quality" not in entry
    assert zoo.read_records(zoo.ModelCard, tmp_path) == cards
    assert [(c.quality, c.level, c.resample, c.kodak) for c in cards] == [
        (1, 0, 2, {"bpp": 0.1}), (2, 1, 1, {"bpp": 0.2}), (5, 4, 1, {"bpp": 0.5})]


def test_a_manifest_of_one_entry_per_quality_still_reads(tmp_path: Path) -> None:
    """Weights exported by an odic that wrote format 1 keep working after an upgrade."""
    cards = _ladder(tmp_path)
    flat = {"format": 1, "models": [card.to_json() for card in cards]}
    (tmp_path / zoo.MANIFEST).write_text(json.dumps(flat))
    assert zoo.read_records(zoo.ModelCard, tmp_path) == cards


def test_records_of_one_file_must_agree_on_what_they_share(tmp_path: Path) -> None:
    cards = _ladder(tmp_path)
    other = dataclasses.replace(cards[1], steps=cards[1].steps + 1)
    with pytest.raises(ValueError, match="disagree"):
        zoo.write_records(zoo.ModelCard, tmp_path, [cards[0], other])
