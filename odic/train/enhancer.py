"""Training the enhancers of :mod:`odic.enhance` (resumable) and exporting them.

Both kinds train on JPEG round trips of training-photo crops at qualities spanning about
0.2–0.55 bpp; "recognition" adds a frozen classifier's feature loss to the pixel loss.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from odic.baselines import get_codec
from odic.codec import zoo
from odic.codec.precision import fast_context
from odic.enhance import KINDS, EnhanceNet
from odic.fsutil import atomic_torch_save
from odic.observers.timm_observers import create_observer, feature_distance
from odic.train.data import CropSampler
from odic.train.runner import Runner


@dataclass
class EnhanceConfig:
    out: str
    data: list[str]
    kind: str = "recognition"  # or "plain"
    steps: int = 2000
    crop: int = 192
    batch: int = 8
    lr: float = 2e-4
    #: JPEG qualities the training crops are round-tripped through (one per crop, drawn per step).
    qualities: tuple[int, ...] = (5, 8, 12, 16, 20)
    #: Weight of the feature loss against the MSE (recognition only).
    feature_weight: float = 0.01
    observer: str = "lite0"
    channels: int = 48
    layers: int = 8
    seed: int = 0
    checkpoint_every: int = 100


def jpeg_round_trip(x: Tensor, quality: int) -> Tensor:
    """A (3, H, W) image in [0, 1] through baseline JPEG 4:2:0 at ``quality``."""
    jpeg = get_codec("jpeg")
    decoded = jpeg.decode(jpeg.encode(Image.fromarray(x.mul(255).round().byte().permute(1, 2, 0).numpy()), quality))
    return torch.from_numpy(np.asarray(decoded).copy()).permute(2, 0, 1).float() / 255


class EnhancerTrainer(Runner):
    """Resumable (:class:`odic.train.runner.Runner`): ``<out>/last.ckpt``, ``<out>/log.jsonl``."""

    label = "enhancer"

    def __init__(self, cfg: EnhanceConfig):
        if cfg.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        self.cfg, out = cfg, Path(cfg.out)
        super().__init__(out / "last.ckpt", out / "log.jsonl", cfg.steps, cfg.seed, cfg.checkpoint_every)
        torch.manual_seed(cfg.seed)
        self.net = EnhanceNet(cfg.channels, cfg.layers).to(memory_format=torch.channels_last)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=cfg.lr)
        self.observer = create_observer(cfg.observer) if cfg.kind == "recognition" else None
        self.sampler = CropSampler.from_folders([Path(d) for d in cfg.data], cfg.crop, cfg.batch, cfg.seed)
        self.resume()

    def state(self) -> dict[str, Any]:
        return {"model": self.net.state_dict(), "opt": self.opt.state_dict(), "config": dataclasses.asdict(self.cfg)}

    def load_state(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["model"])
        self.opt.load_state_dict(state["opt"])

    def pair(self, step: int) -> tuple[Tensor, Tensor]:
        clean = self.sampler.batch_at(step)
        g = torch.Generator().manual_seed(self.cfg.seed * 7_919 + step)
        picks = torch.randint(len(self.cfg.qualities), (len(clean),), generator=g).tolist()
        return clean, torch.stack([jpeg_round_trip(c, self.cfg.qualities[i]) for c, i in zip(clean, picks)])

    def loss(self, clean: Tensor, degraded: Tensor) -> tuple[Tensor, dict[str, float]]:
        with fast_context():
            restored = self.net(degraded.contiguous(memory_format=torch.channels_last)).float()
        mse = F.mse_loss(restored, clean)
        loss, stats = mse, {"mse": mse.item()}
        if self.observer is not None:
            with torch.no_grad():
                target = self.observer.features(clean)
            feat = feature_distance(self.observer.features(restored.clamp(0, 1)), target)
            loss = loss + self.cfg.feature_weight * feat
            stats["feat"] = feat.item()
        return loss, stats

    def train_step(self) -> dict[str, Any]:
        loss, stats = self.loss(*self.pair(self.step))
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return stats


def export_enhancer(checkpoint: Path, directory: Path, name: str, **figures: object) -> zoo.EnhancerCard:
    """Write the network (fp16) and its entry in ``enhancers.json``; returns the entry."""
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    cfg = state["config"]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.pt"
    atomic_torch_save({k: v.half() for k, v in state["model"].items()}, path)
    card = zoo.EnhancerCard(name=name, file=path.name, sha256=zoo.sha256_file(path), kind=cfg["kind"],
                            channels=cfg["channels"], layers=cfg["layers"], codec="jpeg",
                            qualities=list(cfg["qualities"]),
                            observer=cfg["observer"] if cfg["kind"] == "recognition" else None,
                            steps=state["step"], wall_s=round(state["wall"], 1), extra=dict(figures), path=path)
    kept = [c for c in zoo.read_records(zoo.EnhancerCard, directory) if c.name != name and c.file != path.name]
    zoo.write_records(zoo.EnhancerCard, directory, kept + [card])
    return card
