"""Observer adaptation without labels (after Janeiro et al., "Are Visual Recognition Models
Robust to Image Compression?": fine-tuning a classifier on compressed images recovers most of
the accuracy compression costs).

We have no labelled training images, so the classifier learns from itself: a trainable copy sees
each training photo *after* compression and is pulled towards the frozen original's soft
predictions (temperature-scaled KL) and features on the *uncompressed* photo. Only
``../shared/data/train`` is used. The result is a file that loads as an observer everywhere
(``adapted:PATH`` in sweeps, robustness runs and ``create_evaluator``).

Each training photo is compressed once, at native resolution and the target bpp, then both
versions are resized to the observer's eval scale (shorter side = input size / crop fraction),
so the artifacts the student learns from are those it meets at evaluation. The run is resumable
(:class:`odic.train.runner.Runner`): ``OUT.ckpt`` and ``OUT.log.jsonl`` beside the output file.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from rich.progress import track
from timm.data import resolve_data_config
from torch import Tensor

from odic.codec.image import load_image, resize_shorter
from odic.codec.precision import fast_context
from odic.data.files import find_images
from odic.errors import OdicError
from odic.eval.sweep import Job, compress
from odic.fsutil import atomic_torch_save
from odic.observers.adapted import FORMAT
from odic.observers.timm_observers import FeatureObserver, create_observer, feature_distance
from odic.train.data import CropSampler
from odic.train.runner import Runner


@dataclass
class AdaptConfig:
    observer: str
    codec: str  # "jpeg", "webp", "odic:0", …: anything a sweep can run at a target bpp
    rate: float
    train: list[str]
    steps: int
    out: str
    batch: int = 16
    lr: float = 2e-5
    temperature: float = 2.0
    feature_weight: float = 1.0
    seed: int = 0
    checkpoint_every: int = 50


def _eval_scale(observer: FeatureObserver) -> tuple[int, int]:
    """(shorter side, crop) of the observer's eval preprocessing."""
    cfg = resolve_data_config({}, model=observer.model)
    crop = int(cfg["input_size"][-1])
    return round(crop / cfg.get("crop_pct", 0.875)), crop


def _resized(rgb: np.ndarray, short: int) -> Tensor:
    return torch.from_numpy(resize_shorter(rgb, short).copy()).permute(2, 0, 1)


def compressed_pairs(files: Sequence[Path], codec: str, rate: float, short: int,
                     progress: bool = False) -> list[Tensor]:
    """Each file and its decoded version at the observer's eval scale, stacked: uint8 (6, H, W)."""
    pairs = []
    for path in track(files, description=f"{codec} @ {rate:g} bpp", disable=not progress):
        rgb = load_image(path).rgb
        _, decoded = compress(Job(path, None, codec, rate, target_bpp=True), rgb)
        pairs.append(torch.cat([_resized(rgb, short), _resized(decoded, short)]))
    return pairs


def split_pair(batch: Tensor) -> tuple[Tensor, Tensor]:
    """(clean, degraded) of a batch of stacked pairs, channels_last as the observers run fastest."""
    return (batch[:, :3].contiguous(memory_format=torch.channels_last),
            batch[:, 3:].contiguous(memory_format=torch.channels_last))


def distillation_loss(student: FeatureObserver, teacher: FeatureObserver, clean: Tensor, degraded: Tensor,
                      temperature: float, feature_weight: float) -> Tensor:
    """T²·KL(teacher(clean) ‖ student(degraded)) + w · feature distance."""
    with torch.no_grad():
        target = F.log_softmax(teacher(clean) / temperature, dim=1)
        target_features = teacher.features(clean)
    logits = student(degraded)
    kl = F.kl_div(F.log_softmax(logits / temperature, dim=1), target, log_target=True, reduction="batchmean")
    loss = temperature**2 * kl
    if feature_weight:
        loss = loss + feature_weight * feature_distance(student.features(degraded), target_features)
    return loss


class Adaptation(Runner):
    """One adaptation run: a trainable copy of the classifier distilled from the frozen one."""

    label = "adapt"

    def __init__(self, cfg: AdaptConfig, progress: bool = False):
        files = [p for d in cfg.train for p in find_images(Path(d))]
        if not files:
            raise OdicError(f"no training images in {', '.join(cfg.train)}")
        out = Path(cfg.out)
        super().__init__(out.with_name(out.name + ".ckpt"), out.with_name(out.name + ".log.jsonl"), cfg.steps,
                         cfg.seed, cfg.checkpoint_every)
        self.cfg, self.out = cfg, out
        self.teacher = create_observer(cfg.observer).to(memory_format=torch.channels_last)
        self.student = copy.deepcopy(self.teacher)
        self.student.model.requires_grad_(True)  # batch-norm statistics stay frozen: FeatureObserver never trains them
        self.opt = torch.optim.Adam(self.student.model.parameters(), lr=cfg.lr)
        self.resume()
        short, crop = _eval_scale(self.teacher)
        self.sampler = CropSampler(compressed_pairs(files, cfg.codec, cfg.rate, short, progress), crop, cfg.batch,
                                   cfg.seed)

    def state(self) -> dict[str, Any]:
        return {"model": self.student.model.state_dict(), "opt": self.opt.state_dict(),
                "config": dataclasses.asdict(self.cfg)}

    def load_state(self, state: dict[str, Any]) -> None:
        self.student.model.load_state_dict(state["model"])
        self.opt.load_state_dict(state["opt"])

    def train_step(self) -> dict[str, Any]:
        clean, degraded = split_pair(self.sampler.batch_at(self.step))
        with fast_context():  # bf16 where the CPU has it: 5× faster, and only the student's weights are kept
            loss = distillation_loss(self.student, self.teacher, clean, degraded, self.cfg.temperature,
                                     self.cfg.feature_weight)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return {"loss": loss.item()}

    def export(self) -> Path:
        """Write the adapted observer file (loads as ``adapted:FILE``)."""
        atomic_torch_save({"format": FORMAT, "observer": self.cfg.observer, "config": dataclasses.asdict(self.cfg),
                           "state_dict": self.student.model.state_dict()}, self.out)
        return self.out


def adapt(cfg: AdaptConfig, progress: bool = False) -> Path:
    """Run (or resume) one adaptation; returns the written observer file."""
    run = Adaptation(cfg, progress)
    run.run(progress)
    return run.export()
