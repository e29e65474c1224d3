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
so the artifacts the student learns from are those it meets at evaluation. Batches depend only on
``(seed, step)`` and checkpoints are atomic: a killed run resumes exactly.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

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


def compressed_pairs(files: Sequence[Path], codec: str, rate: float, short: int, progress: bool = False) -> list[tuple[Tensor, Tensor]]:
    """(original, decoded) uint8 tensors of every file at the observer's eval scale."""
    pairs = []
    for path in track(files, description=f"{codec} @ {rate:g} bpp", disable=not progress):
        rgb = load_image(path).rgb
        _, decoded = compress(Job(path, None, codec, rate, target_bpp=True), rgb)
        pairs.append((_resized(rgb, short), _resized(decoded, short)))
    return pairs


def _batch(pairs: list[tuple[Tensor, Tensor]], crop: int, size: int, seed: int, step: int) -> tuple[Tensor, Tensor]:
    g = torch.Generator().manual_seed(seed * 1_000_003 + step)
    clean: list[Tensor] = []
    degraded: list[Tensor] = []
    for idx in torch.randint(len(pairs), (size,), generator=g).tolist():
        a, b = pairs[idx]
        top = int(torch.randint(a.shape[1] - crop + 1, (1,), generator=g))
        left = int(torch.randint(a.shape[2] - crop + 1, (1,), generator=g))
        flip = bool(torch.rand(1, generator=g) < 0.5)
        for source, sink in ((a, clean), (b, degraded)):
            c = source[:, top : top + crop, left : left + crop]
            sink.append(c.flip(-1) if flip else c)
    return torch.stack(clean).float().div_(255), torch.stack(degraded).float().div_(255)


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


def adapt(cfg: AdaptConfig, progress: bool = False) -> Path:
    """Run (or resume) one adaptation; returns the written observer file."""
    out = Path(cfg.out)
    ckpt = out.with_name(out.name + ".ckpt")
    teacher = create_observer(cfg.observer).to(memory_format=torch.channels_last)
    student = copy.deepcopy(teacher)
    student.model.requires_grad_(True)  # batch-norm statistics stay frozen: FeatureObserver never trains them
    opt = torch.optim.Adam(student.model.parameters(), lr=cfg.lr)
    start = 0
    if ckpt.exists():
        state = torch.load(ckpt, map_location="cpu", weights_only=False)
        student.model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        start = state["step"]
    files = [p for d in cfg.train for p in find_images(Path(d))]
    if not files:
        raise OdicError(f"no training images in {', '.join(cfg.train)}")
    short, crop = _eval_scale(teacher)
    pairs = compressed_pairs(files, cfg.codec, cfg.rate, short, progress)
    for step in track(range(start, cfg.steps), description="adapt", disable=not progress):
        clean, degraded = (t.contiguous(memory_format=torch.channels_last)
                           for t in _batch(pairs, crop, cfg.batch, cfg.seed, step))
        with fast_context():  # bf16 where the CPU has it: 5× faster, and only the student's weights are kept
            loss = distillation_loss(student, teacher, clean, degraded, cfg.temperature, cfg.feature_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if (step + 1) % cfg.checkpoint_every == 0 or step + 1 == cfg.steps:
            atomic_torch_save({"model": student.model.state_dict(), "opt": opt.state_dict(), "step": step + 1}, ckpt)
    atomic_torch_save({"format": FORMAT, "observer": cfg.observer, "config": dataclasses.asdict(cfg),
                       "state_dict": student.model.state_dict()}, out)
    return out
