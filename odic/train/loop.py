"""Training one (architecture, λ, α) codec network.

Everything a run needs is in :class:`TrainConfig`, saved inside each checkpoint;
running the same command again continues from ``<out>/last.ckpt`` exactly
(same batches, same noise, same optimiser state; :class:`odic.train.runner.Runner`),
so a killed run loses at most ``checkpoint_every`` steps.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch import Tensor

from odic.codec.codec import enlarge, shrink
from odic.codec.models import get_architecture
from odic.codec.precision import fast_context
from odic.codec.zoo import OperatingPoint, sha256_file, shipped_lineage
from odic.observers import create_observer
from odic.train.data import CropSampler
from odic.train.loss import ObserverLoss
from odic.train.models import create_model
from odic.train.runner import Runner

CHECKPOINT = "last.ckpt"
#: Parts of a network that fine-tuning may start without: the rate gains and the context model.
_MAY_START_FRESH = ("rate_gain.", "context_prediction.", "entropy_parameters.")


@dataclass
class TrainConfig:
    out: str
    data: list[str]
    #: λ of each trained rate. One value: a single-rate model; several: a
    #: variable-rate architecture, λ[i] training quality ``qualities[i]``.
    lmbda: list[float]
    qualities: list[int] = field(default_factory=list)
    #: Trained qualities that code the crop at half size, as the shipped half-size qualities do
    #: (:func:`odic.codec.codec.shrink`): the loss compares the enlarged reconstruction with the
    #: full crop and counts bits per crop pixel, so the level learns what a viewer of the
    #: enlarged picture sees. ``odic lab export`` ships them at half size.
    half_size: list[int] = field(default_factory=list)
    alpha: float = 0.0
    architecture: str = "mean-scale-hyperprior"
    N: int = 128
    M: int = 192
    steps: int = 10_000
    crop: int = 256
    batch: int = 8
    lr: float = 1e-4
    warmup: int = 200
    min_lr_ratio: float = 0.1
    observer: str = "lite0"
    feature_scale: float = 1.0
    anchor: float = 0.0
    #: The observer compares both images shrunk by this factor (see :mod:`odic.train.loss`).
    view_scale: float = 1.0
    #: Weight of the pixel MSE inside the machine term (see :mod:`odic.train.loss`).
    pixel: float = 0.0
    #: Weight of the pixel MSE inside the human term (see :mod:`odic.train.loss`).
    human_pixel: float = 0.0
    #: Learning-rate multiplier of the rate gains. A gain is one log-scale number per channel and
    #: level; at the transforms' LR Adam moves it ~1e-4 per step, so a rate level would need
    #: thousands of steps to reach its λ. 1 keeps a single parameter group (old checkpoints resume).
    gain_lr: float = 1.0
    #: Quantisation the synthesis trains with: "noise" (additive uniform, CompressAI's default) or
    #: "mixed" (rounded latents with a straight-through gradient; the rate still uses noise).
    quantize: str = "noise"
    seed: int = 0
    #: The first images of each data folder that training never sees (they choose between networks).
    hold_out: int = 0
    device: str = "cpu"
    threads: int = 0
    #: Compile the transforms (``g_a``, ``h_a``, ``g_s``) with ``torch.compile``: inductor fuses
    #: GDN's elementwise work, which runs as separate bf16 passes over every feature map otherwise
    #: (experiments/train/compile.py measures the step). Costs about a minute of compiling per run.
    compile: bool = False
    init_from: str | None = None
    checkpoint_every: int = 100
    validate_every: int = 500
    log_every: int = 25
    val_images: int = 8
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_checkpoint(cls, state: dict[str, Any], **overrides: Any) -> TrainConfig:
        """The config a checkpoint trained with, changed by ``overrides``; fields this version no
        longer has are dropped, so benchmarks can rebuild the runs of older checkpoints."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{**{k: v for k, v in state["config"].items() if k in names}, **overrides})


def rate_schedule(cfg: TrainConfig, levels: int, stride: int) -> list[OperatingPoint]:
    """The trained rates; training steps cycle through them."""
    if not cfg.qualities:
        if len(cfg.lmbda) != 1:
            raise ValueError("several λ values need --quality for each (a variable-rate architecture)")
        if cfg.half_size:
            raise ValueError("--half-size needs a variable-rate architecture")
        return [OperatingPoint(quality=1, lmbda=cfg.lmbda[0])]
    if len(cfg.qualities) != len(cfg.lmbda):
        raise ValueError("give one --quality per --lambda")
    if levels == 1 or not all(1 <= q <= levels for q in cfg.qualities):
        raise ValueError(f"{cfg.architecture} has {levels} rate level(s): qualities must be in 1..{levels}")
    if not set(cfg.half_size) <= set(cfg.qualities):
        raise ValueError(f"--half-size {cfg.half_size} names qualities that are not trained ({cfg.qualities})")
    if cfg.half_size and cfg.crop % (2 * stride):
        raise ValueError(f"half-size qualities need a crop divisible by {2 * stride}, not {cfg.crop}")
    return [OperatingPoint(quality=q, lmbda=lmbda, level=q - 1, resample=2 if q in cfg.half_size else 1)
            for q, lmbda in zip(cfg.qualities, cfg.lmbda)]


def lr_at(cfg: TrainConfig, step: int) -> float:
    """Linear warm-up, then cosine decay to ``min_lr_ratio · lr``."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    t = min(1.0, (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup))
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * t)))


class Trainer(Runner):
    def __init__(self, cfg: TrainConfig):
        self.cfg = cfg
        self.out = Path(cfg.out)
        super().__init__(self.out / CHECKPOINT, self.out / "log.jsonl", cfg.steps, cfg.seed, cfg.checkpoint_every,
                         cfg.log_every)
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        self.rank, self.world = _init_distributed(cfg.device)
        self.device = torch.device(f"cuda:{self.rank % torch.cuda.device_count()}" if cfg.device == "cuda"
                                   else cfg.device)
        if self.device.type == "cuda":
            # TF32 convolutions and matrix products, and cuDNN's fastest algorithms for the fixed
            # crop size: the GPU recipe's speed (experiments/train/device). bf16 autocast diverged there.
            torch.backends.cudnn.benchmark = True
            torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = True
        self.arch = get_architecture(cfg.architecture)
        torch.manual_seed(cfg.seed)  # the initial weights are part of the run's definition
        self.model = create_model(cfg.architecture, cfg.N, cfg.M).to(self.device)
        self.model = self.model.to(memory_format=torch.channels_last)
        self.model.fast = fast_context(self.device)
        if cfg.compile:
            # The three share one compiled entry (nn.Sequential's), each in training and in
            # validation at two crop sizes: more graphs than dynamo's default limit of 8.
            torch._dynamo.config.recompile_limit = 64
            for part in (self.model.g_a, self.model.h_a, self.model.g_s):
                part.compile(dynamic=False)  # in place: state-dict keys and files stay as they are
        main = [p for n, p in self.model.named_parameters() if not n.endswith(".quantiles")]
        aux = [p for n, p in self.model.named_parameters() if n.endswith(".quantiles")]
        if cfg.gain_lr != 1.0:
            gains = set(self.model.rate_gain.parameters())
            main = [{"params": [p for p in main if p not in gains]},
                    {"params": list(gains), "lr_scale": cfg.gain_lr}]
        self.opt = torch.optim.Adam(main, lr=cfg.lr)
        self.aux_opt = torch.optim.Adam(aux, lr=1e-3)
        observer = create_observer(cfg.observer).to(self.device) if cfg.alpha > 0 else None
        if observer is not None:
            observer = observer.to(memory_format=torch.channels_last)
        self.loss = ObserverLoss(cfg.alpha, observer, cfg.feature_scale, cfg.anchor, cfg.view_scale, cfg.pixel,
                                 cfg.human_pixel)
        self.rates = rate_schedule(cfg, self.model.rate_gain.levels, self.arch.stride)
        self.sampler = CropSampler.from_folders([Path(d) for d in cfg.data], cfg.crop, cfg.batch, cfg.seed,
                                                cfg.hold_out)
        #: When the run began (kept across resumes): with the run's name it identifies the run in
        #: a ledger of training time kept outside the run directory (experiments/train/ledger.py).
        self.started = time.time()
        self.skipped = 0
        #: sha256 of the ``init_from`` file when training began: that path may later hold another
        #: network (a shipped file, overwritten by this run's own export), and the lineage must not
        #: follow it there.
        self.init_sha256: str | None = None
        #: Where ``init_from`` is a shipped weights file (a bare state dict), the lineage its
        #: manifest entry records when training begins: exporting this run replaces that entry.
        self.init_lineage: list[dict] | None = None
        if not self.resume(self.device) and cfg.init_from:
            self._init_from(Path(cfg.init_from))

    def _init_from(self, path: Path) -> None:
        """Fine-tune from another run: its weights; for a variable-rate network started from a
        single-rate one, gains spread around the source's λ; for a context model started from a
        hyperprior, the context as constructed (it starts at the hyperprior's rate)."""
        self.init_sha256 = sha256_file(path)
        state = torch.load(path, map_location=self.device, weights_only=False)
        if "model" not in state:
            self.init_lineage = shipped_lineage(self.init_sha256)
        missing, unexpected = self.model.load_state_dict(state.get("model", state), strict=False)
        if unexpected or any(not k.startswith(_MAY_START_FRESH) for k in missing):
            raise ValueError(f"{path} does not fit {self.cfg.architecture}: missing {missing}, unexpected {unexpected}")
        if any(k.startswith("rate_gain.") for k in missing):
            source = state["config"]["lmbda"]
            reference = source[0] if isinstance(source, list) else source
            with torch.no_grad():
                for point in self.rates:
                    # Rate grows roughly with log λ; 0.4 is a starting point, the gains are trained.
                    log_gain = 0.4 * math.log(point.lmbda / reference)
                    self.model.rate_gain.log_gain[point.level].fill_(log_gain)
                    self.model.rate_gain.log_inv_gain[point.level].fill_(-log_gain)

    def load_state(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state["model"])
        self.opt.load_state_dict(state["opt"])
        self.aux_opt.load_state_dict(state["aux_opt"])
        self.skipped = state.get("skipped", 0)
        self.started = state.get("started", self.started)
        self.init_sha256 = state.get("init_sha256")
        self.init_lineage = state.get("init_lineage")

    def state(self) -> dict[str, Any]:
        return {
            "model": self.model.state_dict(),
            "opt": self.opt.state_dict(),
            "aux_opt": self.aux_opt.state_dict(),
            "skipped": self.skipped,
            "started": self.started,
            "init_sha256": self.init_sha256,
            "init_lineage": self.init_lineage,
            "config": dataclasses.asdict(self.cfg),
        }

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def draw(self) -> int:
        # Each rank of a data-parallel step draws its own batch and noise.
        return self.step * self.world + self.rank

    def _average_gradients(self) -> None:
        """Data parallelism: every rank steps with the mean gradient of all ranks.

        An explicit all-reduce rather than the DDP wrapper, because the loss runs
        the network's parts separately (mixed precision, aux loss) instead of
        through one ``forward`` that DDP could hook.
        """
        if self.world == 1:
            return
        for p in self.model.parameters():
            if p.grad is not None:
                dist.all_reduce(p.grad)
                p.grad.div_(self.world)

    def _code(self, x: Tensor, rate: OperatingPoint) -> tuple[Tensor, dict[str, Tensor]]:
        """Reconstruction of ``x`` at its full size, and the likelihoods, at one trained rate."""
        out = self.model(shrink(x, rate.resample), rate.level, ste=self.cfg.quantize == "mixed")
        return enlarge(out["x_hat"], x.shape[-2], x.shape[-1], rate.resample), out["likelihoods"]

    def train_step(self) -> dict[str, Any]:
        cfg = self.cfg
        x = self.sampler.batch_at(self.draw()).to(self.device).contiguous(memory_format=torch.channels_last)
        for group in self.opt.param_groups:
            group["lr"] = lr_at(cfg, self.step) * group.get("lr_scale", 1.0)
        self.model.train()
        rate = self.rates[self.step % len(self.rates)]
        x_hat, likelihoods = self._code(x, rate)
        terms = self.loss(x, x_hat, likelihoods, rate.lmbda)
        self.opt.zero_grad(set_to_none=True)
        terms.loss.backward()
        self._average_gradients()
        # A non-finite gradient (one bad batch) would turn every weight into NaN at once:
        # the optimiser skips such a step, and the log counts them ("skipped", a running total).
        norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        if torch.isfinite(norm):
            self.opt.step()
        else:
            self.skipped += 1
        aux_loss = self.model.aux_loss()
        self.aux_opt.zero_grad(set_to_none=True)
        aux_loss.backward()
        self._average_gradients()
        self.aux_opt.step()
        return {
            "lr": lr_at(cfg, self.step + 1),
            "level": rate.level,
            "loss": terms.loss.item(),
            "bpp": terms.bpp.item(),
            "msssim": terms.msssim.item(),
            "feat": terms.feat.item(),
            "aux": aux_loss.item(),
            "skipped": self.skipped,
        }

    def _unquantised(self, x: Tensor, rate: OperatingPoint) -> Tensor:
        """``g_s`` of the unrounded latent: the fidelity the transforms allow before any bit is
        spent. Where it is not far above the coded PSNR, more bits cannot buy quality."""
        x_hat = self.model.synthesise(self.model.analyse(shrink(x, rate.resample), rate.level), rate.level)
        return enlarge(x_hat, x.shape[-2], x.shape[-1], rate.resample).clamp(0, 1)

    @torch.no_grad()
    def validate(self) -> dict[str, float]:
        """Noise-free forward pass on fixed crops of the training set itself, per rate.

        Kodak and imagenet-1000 are evaluation sets and must not steer training,
        so the check uses fixed training crops (step −1 of the sampler).
        """
        self.model.eval()
        x = self.sampler.batch_at(-1)[: self.cfg.val_images].to(self.device)
        out: dict[str, float] = {}
        for i, rate in enumerate(self.rates):
            x_hat, likelihoods = self._code(x, rate)
            x_hat = x_hat.clamp(0, 1)
            terms = self.loss(x, x_hat, likelihoods, rate.lmbda)
            suffix = f"_q{self.cfg.qualities[i]}" if self.cfg.qualities else ""
            out[f"val_bpp{suffix}"] = terms.bpp.item()
            out[f"val_psnr{suffix}"] = _psnr(x_hat, x)
            out[f"val_msssim{suffix}"] = terms.msssim.item()
            out[f"val_psnr_unquantised{suffix}"] = _psnr(self._unquantised(x, rate), x)
            if self.loss.observer is not None:
                seen = self.loss.observer(self.loss.view(x_hat)).argmax(1)
                agree = seen == self.loss.observer(self.loss.view(x)).argmax(1)
                out[f"val_top1_agreement{suffix}"] = agree.float().mean().item()
        return out

    def after_step(self, stats: dict[str, Any]) -> None:
        if self.step % self.cfg.validate_every == 0 or self.step == self.cfg.steps:
            self.log({"step": self.step, "wall": round(self.wall, 1), **self.validate()})

    def describe(self, stats: dict[str, Any]) -> str:
        return f"bpp {stats['bpp']:.3f} ms-ssim {stats['msssim']:.4f}"


def _psnr(x_hat: Tensor, x: Tensor) -> float:
    """Mean per-image PSNR (dB) of images in [0, 1]."""
    mse = torch.mean((x_hat - x) ** 2, dim=(1, 2, 3))
    return (10 * torch.log10(1 / mse.clamp_min(1e-10))).mean().item()


def _init_distributed(device: str) -> tuple[int, int]:
    """(rank, world size); joins the process group when started by torchrun."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device == "cuda" else "gloo")
    return (dist.get_rank(), dist.get_world_size()) if dist.is_initialized() else (0, 1)


def train(cfg: TrainConfig, progress: bool = True, deadline: float | None = None) -> Trainer:
    trainer = Trainer(cfg)
    trainer.run(progress, deadline=deadline)
    return trainer
