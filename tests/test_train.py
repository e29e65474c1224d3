"""Training: the loss behaves, a few steps learn, and resuming is exact."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from odic.codec import zoo
from odic.errors import UnknownModelError
from odic.train.export import export_checkpoint
from odic.train.ladder import copy_level, extrapolate_level, level_bpp
from odic.train.loop import CHECKPOINT, TrainConfig, Trainer
from odic.train.models import create_model
from tests.conftest import random_image, run_cli


@pytest.fixture(scope="module")
def train_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("train")
    for i in range(4):
        Image.fromarray(random_image(80, 96, seed=i)).save(d / f"{i}.png")
    return d


def _config(out: Path, data: Path, steps: int) -> TrainConfig:
    return TrainConfig(out=str(out), data=[str(data)], lmbda=[4.0], N=16, M=24, steps=steps, crop=64, batch=2,
                       lr=1e-3, warmup=1, checkpoint_every=2, validate_every=3, log_every=1)


def test_resume_is_exact(train_dir: Path, tmp_path: Path) -> None:
    straight = Trainer(_config(tmp_path / "a", train_dir, 6))
    straight.run(progress=False)
    killed = Trainer(_config(tmp_path / "b", train_dir, 6))
    killed.run(progress=False, until=3)  # "killed" after step 3
    resumed = Trainer(_config(tmp_path / "b", train_dir, 6))
    assert resumed.step == 3 and resumed.started == killed.started  # one run, for the ledger
    resumed.run(progress=False)
    for (k, a), b in zip(straight.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.equal(a, b), k


def test_compiled_transforms_train_the_same_network(train_dir: Path, tmp_path: Path) -> None:
    eager = Trainer(_config(tmp_path / "eager", train_dir, 2))
    eager.run(progress=False)
    compiled = Trainer(dataclasses.replace(_config(tmp_path / "compiled", train_dir, 2), compile=True))
    compiled.run(progress=False)
    # Compiled in place: the same keys, so checkpoints and exports do not depend on the flag.
    assert list(compiled.model.state_dict()) == list(eager.model.state_dict())
    losses = [[json.loads(line)["loss"] for line in (tmp_path / run / "log.jsonl").read_text().splitlines()
               if '"loss"' in line] for run in ("eager", "compiled")]
    assert losses[1][0] == pytest.approx(losses[0][0], rel=1e-2)  # the first step: the same weights
    resumed = Trainer(_config(tmp_path / "compiled", train_dir, 3))  # continues eagerly
    assert resumed.step == 2


def test_a_checkpoints_config_rebuilds_its_run(train_dir: Path, tmp_path: Path) -> None:
    trainer = Trainer(_config(tmp_path / "a", train_dir, 2))
    trainer.run(progress=False)
    state = torch.load(tmp_path / "a" / CHECKPOINT, map_location="cpu", weights_only=False)
    state["config"]["retired_option"] = 1  # a field an older version of TrainConfig had
    cfg = TrainConfig.from_checkpoint(state, out=str(tmp_path / "b"), steps=5)
    assert cfg == dataclasses.replace(trainer.cfg, out=str(tmp_path / "b"), steps=5)


def test_a_deadline_stops_a_run_resumably(train_dir: Path, tmp_path: Path) -> None:
    trainer = Trainer(_config(tmp_path, train_dir, 6))
    trainer.run(progress=False, deadline=0.0)  # long past: stop after the first step
    assert trainer.step == 1
    resumed = Trainer(_config(tmp_path, train_dir, 6))
    assert resumed.step == 1
    resumed.run(progress=False)
    assert resumed.step == 6


def test_training_lowers_the_loss_and_logs(train_dir: Path, tmp_path: Path) -> None:
    trainer = Trainer(_config(tmp_path, train_dir, 30))
    trainer.run(progress=False)
    records = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    losses = [r["loss"] for r in records if "loss" in r]
    assert np.mean(losses[-5:]) < np.mean(losses[:5])
    (val,) = [r for r in records if r["step"] == 30 and "val_psnr" in r]
    # Rounding the latent can only lose information the synthesis would otherwise see.
    assert val["val_psnr_unquantised"] > val["val_psnr"] - 0.5


def test_held_out_photos_never_reach_training(tmp_path: Path) -> None:
    from odic.train.data import CropSampler

    for i in range(4):  # photo i is flat grey level 60 · i, so a crop tells which photo it came from
        Image.fromarray(np.full((40, 40, 3), 60 * i, np.uint8)).save(tmp_path / f"{i}.png")
    sampler = CropSampler.from_folders([tmp_path], crop=32, batch=16, seed=0, hold_out=2)
    seen = {round(v * 255 / 60) for step in range(5) for v in sampler.batch_at(step)[:, 0, 0, 0].tolist()}
    assert seen == {2, 3}


def test_export_makes_a_loadable_model(train_dir: Path, tmp_path: Path) -> None:
    trainer = Trainer(_config(tmp_path / "run", train_dir, 2))
    trainer.run(progress=False)
    (card,) = export_checkpoint(tmp_path / "run" / CHECKPOINT, tmp_path / "weights", quality=7, kodak=train_dir)
    assert card.steps == 2 and card.kodak["images"] == 4 and card.kodak["bpp"] > 0
    assert zoo.sha256_file(tmp_path / "weights" / card.file) == card.sha256
    state = torch.load(tmp_path / "weights" / card.file, weights_only=True)
    assert all(v.dtype in (torch.float16, torch.int32, torch.int64) for v in state.values())


def test_gain_lr_scales_only_the_rate_gains_step(train_dir: Path, tmp_path: Path) -> None:
    """Adam's first step moves every parameter by about its LR: gains by 20 × the rest."""
    trainer = Trainer(TrainConfig(out=str(tmp_path), data=[str(train_dir)], lmbda=[4.0, 16.0], qualities=[1, 3],
                                  architecture="gained-mean-scale-hyperprior", N=16, M=24, steps=1, crop=64, batch=2,
                                  lr=1e-3, warmup=0, gain_lr=20.0))
    gains = trainer.model.rate_gain.log_gain.detach().clone()  # type: ignore[union-attr]
    conv = trainer.model.g_a[0].weight.detach().clone()  # type: ignore[index]
    trainer.train_step()
    gain_step = (trainer.model.rate_gain.log_gain[0] - gains[0]).abs().max().item()  # type: ignore[union-attr]
    conv_step = (trainer.model.g_a[0].weight - conv).abs().max().item()  # type: ignore[index]
    assert gain_step == pytest.approx(20 * 1e-3, rel=0.05) and conv_step == pytest.approx(1e-3, rel=0.05)


def test_export_counts_the_whole_fine_tuning_chain(train_dir: Path, tmp_path: Path) -> None:
    Trainer(_config(tmp_path / "base", train_dir, 2)).run(progress=False)
    tuned = dataclasses.replace(_config(tmp_path / "tuned", train_dir, 3), init_from=str(tmp_path / "base" / CHECKPOINT))
    Trainer(tuned).run(progress=False)
    (card,) = export_checkpoint(tmp_path / "tuned" / CHECKPOINT, tmp_path / "weights", quality=1)
    assert card.steps == 5 and [link["steps"] for link in card.extra["lineage"]] == [3, 2]
    assert card.wall_s == pytest.approx(sum(link["wall_s"] for link in card.extra["lineage"]), abs=0.2)


def test_lineage_passes_through_a_derived_starting_point(train_dir: Path, tmp_path: Path) -> None:
    base = Trainer(_config(tmp_path / "base", train_dir, 2))
    base.run(progress=False)
    derived = tmp_path / "widened.pt"  # what experiments/train/extend_ladder.py writes
    torch.save({"model": base.model.state_dict(), "source": str(tmp_path / "base" / CHECKPOINT)}, derived)
    Trainer(dataclasses.replace(_config(tmp_path / "tuned", train_dir, 3), init_from=str(derived))).run(progress=False)
    (card,) = export_checkpoint(tmp_path / "tuned" / CHECKPOINT, tmp_path / "weights", quality=1)
    assert card.steps == 5 and [link["steps"] for link in card.extra["lineage"]] == [3, 2]


def test_lineage_continues_through_a_shipped_weights_file(train_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Fine-tuning the file in weights/ keeps the chain its manifest entry records."""
    Trainer(_config(tmp_path / "base", train_dir, 2)).run(progress=False)
    (shipped,) = export_checkpoint(tmp_path / "base" / CHECKPOINT, tmp_path / "shipped", quality=1, half=False)
    monkeypatch.setenv("ODIC_WEIGHTS", str(tmp_path / "shipped"))
    tuned = dataclasses.replace(_config(tmp_path / "tuned", train_dir, 3), init_from=str(tmp_path / "shipped" / shipped.file))
    Trainer(tuned).run(progress=False)
    (card,) = export_checkpoint(tmp_path / "tuned" / CHECKPOINT, tmp_path / "weights", quality=1)
    assert card.steps == 5 and [link["steps"] for link in card.extra["lineage"]] == [3, 2]
    # Shipping the fine-tune replaces the file it started from and its manifest entry. A later
    # export must neither follow the path into the run's own entry ([3, 3, 2]) nor lose the
    # chain before it ([3]): the run recorded that chain when it started.
    export_checkpoint(tmp_path / "tuned" / CHECKPOINT, tmp_path / "shipped", quality=1, half=False, name=Path(shipped.file).stem)
    (again,) = export_checkpoint(tmp_path / "tuned" / CHECKPOINT, tmp_path / "weights", quality=1)
    assert [link["steps"] for link in again.extra["lineage"]] == [3, 2]


def test_a_non_finite_gradient_skips_the_step(train_dir: Path, tmp_path: Path) -> None:
    """One NaN batch must not poison the weights: the step is skipped, counted, and resumes counted."""
    trainer = Trainer(_config(tmp_path, train_dir, 2))
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    trainer.sampler.batch_at = lambda step: torch.full((2, 3, 64, 64), float("nan"))  # type: ignore[method-assign]
    stats = trainer.train_step()
    after = trainer.model.state_dict()
    assert stats["skipped"] == 1 and not any(torch.isnan(p).any() for p in trainer.model.parameters())
    assert all(torch.equal(before[k], after[k]) for k in before if not k.endswith("quantiles"))
    trainer.step = 1
    trainer.save()
    assert Trainer(_config(tmp_path, train_dir, 2)).skipped == 1


def test_alpha_needs_an_observer() -> None:
    from odic.train.loss import ObserverLoss

    with pytest.raises(ValueError):
        ObserverLoss(0.5, None, 1.0)


class _ConstantFeatures(torch.nn.Module):
    """A stand-in observer whose features ignore the image: D_feat is exactly 0."""

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        return [torch.ones(1, 1, 1, 1)]


def _noisy_pair() -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
    """An image, a noisy copy of it and constant likelihoods: the loss terms without a network."""
    torch.manual_seed(0)
    x = torch.rand(2, 3, 64, 64)
    x_hat = (x + 0.1 * torch.randn_like(x)).clamp(0, 1)
    return x, x_hat, {"y": torch.full((2, 8, 4, 4), 0.5)}


def test_anchor_adds_msssim_to_the_machine_term_only() -> None:
    from odic.train.loss import ObserverLoss

    x, x_hat, likelihoods = _noisy_pair()
    observer = _ConstantFeatures()
    plain = ObserverLoss(1.0, observer, 1.0)(x, x_hat, likelihoods, lmbda=10.0)  # type: ignore[arg-type]
    anchored = ObserverLoss(1.0, observer, 1.0, anchor=0.25)(x, x_hat, likelihoods, lmbda=10.0)  # type: ignore[arg-type]
    assert plain.feat == 0 and plain.msssim < 0.99
    assert torch.allclose(anchored.loss - plain.loss, 10.0 * 0.25 * (1 - plain.msssim))
    human = ObserverLoss(0.0, None, 1.0, anchor=0.25)(x, x_hat, likelihoods, lmbda=10.0)
    assert torch.allclose(human.loss, plain.bpp + 10.0 * (1 - plain.msssim))  # α = 0 ignores the anchor


def test_human_pixel_adds_mse_to_the_human_term_only() -> None:
    from odic.train.loss import ObserverLoss

    x, x_hat, likelihoods = _noisy_pair()
    observer = _ConstantFeatures()
    mse = ((x_hat - x) ** 2).mean()
    plain = ObserverLoss(0.25, observer, 1.0)(x, x_hat, likelihoods, lmbda=10.0)  # type: ignore[arg-type]
    pixel = ObserverLoss(0.25, observer, 1.0, human_pixel=20.0)(x, x_hat, likelihoods, lmbda=10.0)  # type: ignore[arg-type]
    assert torch.allclose(pixel.loss - plain.loss, 10.0 * 0.75 * 20.0 * mse)  # weighted by 1 − α
    machine = ObserverLoss(1.0, observer, 1.0, human_pixel=20.0)(x, x_hat, likelihoods, lmbda=10.0)  # type: ignore[arg-type]
    assert torch.allclose(machine.loss, machine.bpp)  # α = 1: constant features, no pixel term
    with pytest.raises(ValueError, match="pixel"):
        ObserverLoss(0.0, None, 1.0, human_pixel=-1.0)


def test_pixel_adds_mse_to_the_machine_term_only() -> None:
    from odic.train.loss import ObserverLoss

    x, x_hat, likelihoods = _noisy_pair()
    observer = _ConstantFeatures()
    plain = ObserverLoss(0.5, observer, 1.0)(x, x_hat, likelihoods, lmbda=10.0)  # type: ignore[arg-type]
    pixel = ObserverLoss(0.5, observer, 1.0, pixel=20.0)(x, x_hat, likelihoods, lmbda=10.0)  # type: ignore[arg-type]
    mse = ((x_hat - x) ** 2).mean()
    assert mse > 1e-3
    assert torch.allclose(pixel.loss - plain.loss, 10.0 * 0.5 * 20.0 * mse)  # weighted by α, like D_feat
    human = ObserverLoss(0.0, None, 1.0, pixel=20.0)(x, x_hat, likelihoods, lmbda=10.0)
    assert torch.allclose(human.loss, plain.bpp + 10.0 * (1 - plain.msssim))  # α = 0 ignores it
    with pytest.raises(ValueError, match="pixel"):
        ObserverLoss(1.0, observer, 1.0, pixel=-1.0)  # type: ignore[arg-type]


class _Pixels(torch.nn.Module):
    """A stand-in observer whose one feature map is the image it is shown."""

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        return [x]


def test_view_scale_hides_detail_the_classifier_resize_would_erase() -> None:
    from odic.train.loss import ObserverLoss

    torch.manual_seed(0)
    x = 0.25 + 0.5 * torch.rand(1, 3, 4, 4).repeat_interleave(16, -1).repeat_interleave(16, -2)  # smooth 64²
    checker = (torch.arange(64).view(1, -1) + torch.arange(64).view(-1, 1)) % 2 * 0.2 - 0.1
    x_hat = x + checker  # a 1-pixel pattern that a 2× shrink averages away
    likelihoods = {"y": torch.full((1, 8, 4, 4), 0.5)}
    full = ObserverLoss(1.0, _Pixels(), 1.0)(x, x_hat, likelihoods, lmbda=1.0)  # type: ignore[arg-type]
    shrunk = ObserverLoss(1.0, _Pixels(), 1.0, view_scale=0.5)(x, x_hat, likelihoods, lmbda=1.0)  # type: ignore[arg-type]
    assert full.feat > 0.01 and shrunk.feat < full.feat / 20
    with pytest.raises(ValueError):
        ObserverLoss(1.0, _Pixels(), 1.0, view_scale=0.0)  # type: ignore[arg-type]


def test_train_cli_rejects_missing_data(tmp_path: Path) -> None:
    r = run_cli("lab", "train", "--out", str(tmp_path / "o"), "--data", str(tmp_path / "none"), "--lambda", "1", "--steps", "1")
    assert r.returncode == 2 and r.stderr.decode().startswith("odic: error:")


def test_two_process_data_parallel_training_on_cpu(train_dir: Path, tmp_path: Path) -> None:
    """torchrun with 2 gloo processes: the ranks average gradients and rank 0 checkpoints."""
    import os
    import subprocess
    import sys

    out = tmp_path / "ddp"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29533",
           "-m", "odic", "lab", "train", "--out", str(out), "--data", str(train_dir), "--lambda", "2", "--N", "16",
           "--M", "24", "--steps", "3", "--crop", "64", "--batch", "2", "--threads", "1"]
    r = subprocess.run(cmd, capture_output=True, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    state = torch.load(out / CHECKPOINT, weights_only=False)
    assert state["step"] == 3
    single = Trainer(_config(tmp_path / "single", train_dir, 3))
    changed = [not torch.equal(a, b) for a, b in zip(single.model.state_dict().values(), state["model"].values())]
    assert any(changed)  # it trained (from the same seeded initialisation as a single-process run)


def test_variable_rate_training_and_export(train_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One gained network, fine-tuned from a single-rate run, exports several qualities that code at distinct rates."""
    import dataclasses

    import odic

    Trainer(_config(tmp_path / "single", train_dir, 2)).run(progress=False)
    cfg = dataclasses.replace(_config(tmp_path / "vr", train_dir, 4), architecture="gained-mean-scale-hyperprior",
                              lmbda=[0.01, 1600.0], qualities=[2, 6], init_from=str(tmp_path / "single" / CHECKPOINT))
    trainer = Trainer(cfg)
    gains = trainer.model.rate_gain.log_gain.detach()
    assert gains[1].mean() < 0 < gains[5].mean()  # initialised around the source λ = 4
    trainer.run(progress=False)
    cards = export_checkpoint(tmp_path / "vr" / CHECKPOINT, tmp_path / "weights")
    assert [(c.quality, c.level) for c in cards] == [(2, 1), (6, 5)] and len({c.sha256 for c in cards}) == 1
    (one,) = export_checkpoint(tmp_path / "vr" / CHECKPOINT, tmp_path / "one", quality=6)
    assert (one.quality, one.level, one.lmbda) == (6, 5, 1600.0)
    with pytest.raises(ValueError, match="quality 3 was not trained"):
        export_checkpoint(tmp_path / "vr" / CHECKPOINT, tmp_path / "one", quality=3)
    halves = export_checkpoint(tmp_path / "vr" / CHECKPOINT, tmp_path / "half", half_size={1: 2})
    assert [(c.quality, c.level, c.resample) for c in halves] == [(1, 1, 2), (2, 1, 1), (6, 5, 1)]
    with pytest.raises(ValueError, match="quality 4 was not trained"):
        export_checkpoint(tmp_path / "vr" / CHECKPOINT, tmp_path / "half", half_size={1: 4})
    monkeypatch.setenv("ODIC_WEIGHTS", str(tmp_path / "half"))
    small = odic.encode(random_image(64, 96), alpha=0.0, quality=1)
    assert odic.info(small).resample == 2 and odic.decode(small).size == (96, 64)
    r = run_cli("lab", "export", str(tmp_path / "vr" / CHECKPOINT), "--weights-dir", str(tmp_path / "cli"), "--half-size", "1-2")
    assert r.returncode == 2 and "Q:SOURCE" in r.stderr.decode()
    monkeypatch.setenv("ODIC_WEIGHTS", str(tmp_path / "weights"))
    image = random_image(64, 96)
    low, high = (odic.encode(image, alpha=0.0, quality=q) for q in (2, 6))
    assert len(low) < len(high)
    for data in (low, high):
        assert odic.decode(data).size == (96, 64)


def test_a_network_trained_on_some_qualities_takes_over_only_those(train_dir: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A fine-tune of the low qualities alone ships as its own file; the other qualities stay on the old one."""
    import odic

    ladder = dataclasses.replace(_config(tmp_path / "ladder", train_dir, 2), architecture="gained-mean-scale-hyperprior",
                                 lmbda=[0.05, 1600.0], qualities=[2, 6])
    Trainer(ladder).run(progress=False)
    weights = tmp_path / "weights"
    export_checkpoint(tmp_path / "ladder" / CHECKPOINT, weights)
    monkeypatch.setenv("ODIC_WEIGHTS", str(weights))
    image = random_image(64, 96)
    high, before = (odic.encode(image, alpha=0.0, quality=q) for q in (6, 2))
    low = dataclasses.replace(ladder, out=str(tmp_path / "low"), lmbda=[0.05], qualities=[2],
                              init_from=str(tmp_path / "ladder" / CHECKPOINT))
    Trainer(low).run(progress=False)
    (card,) = export_checkpoint(tmp_path / "low" / CHECKPOINT, weights)
    files = {c.quality: c.file for c in zoo.available()}
    assert card.file == files[2] == f"odic-a0-{card.sha256[:8]}.pt" != files[6]  # files are named by what they hold
    assert sorted(p.name for p in weights.glob("*.pt")) == sorted({files[2], files[6]})
    assert odic.info(odic.encode(image, alpha=0.0, quality=2)).model_id == card.model_id != odic.info(high).model_id
    assert odic.encode(image, alpha=0.0, quality=6) == high and odic.decode(high).size == (96, 64)
    with pytest.raises(UnknownModelError, match="no quality 2 here \\(it codes 6\\)"):
        odic.decode(before)  # written by the network that coded quality 2 until now


def test_half_size_training_judges_the_enlarged_picture(tmp_path: Path) -> None:
    """A --half-size quality codes the shrunk crop (a quarter of the latents), is judged at full size, and exports at half size."""
    data = tmp_path / "data"
    data.mkdir()
    for i in range(2):
        Image.fromarray(random_image(130, 140, seed=i)).save(data / f"{i}.png")
    cfg = dataclasses.replace(_config(tmp_path / "hs", data, 2), architecture="gained-mean-scale-hyperprior",
                              lmbda=[1.0, 1.0], qualities=[1, 2], half_size=[1], crop=128)
    trainer = Trainer(cfg)
    assert [r.resample for r in trainer.rates] == [2, 1]
    x = trainer.sampler.batch_at(0)
    trainer.model.eval()
    (half, half_lik), (full, full_lik) = (trainer._code(x, rate) for rate in trainer.rates)
    assert half.shape == full.shape == x.shape
    assert half_lik["y"].numel() * 4 == full_lik["y"].numel()
    trainer.run(progress=False)
    records = [json.loads(line) for line in (tmp_path / "hs" / "log.jsonl").read_text().splitlines()]
    assert {"val_msssim_q1", "val_msssim_q2"} <= set(records[-1])
    cards = export_checkpoint(tmp_path / "hs" / CHECKPOINT, tmp_path / "weights")
    assert [(c.quality, c.level, c.resample) for c in cards] == [(1, 0, 2), (2, 1, 1)]
    for bad, match in (({"half_size": [3]}, "not trained"), ({"half_size": [1], "crop": 96}, "divisible by 128")):
        with pytest.raises(ValueError, match=match):
            Trainer(dataclasses.replace(cfg, out=str(tmp_path / "bad"), **bad))


def test_extrapolated_level_codes_at_its_target_rate() -> None:
    torch.manual_seed(0)
    model = create_model("gained-mean-scale-hyperprior", 16, 24)
    model.entropy_bottleneck.update(force=True)
    with torch.no_grad():
        model.rate_gain.log_gain[2] = 1.0  # level 0 (gain 1) sits below level 2 on the ladder
    x = torch.rand(2, 3, 64, 64)
    copy_level(model, src=0, dst=1)
    assert torch.equal(model.rate_gain.log_gain[1], model.rate_gain.log_gain[0])
    top, here = level_bpp(model, x, 2), level_bpp(model, x, 1)
    assert top > here
    with torch.no_grad():
        model.rate_gain.log_gain[0] = -2.0  # two ladder steps below the base
    target = (here + level_bpp(model, x, 0)) / 2
    t, reached = extrapolate_level(model, x, level=0, base=1, toward=2, target_bpp=target)
    assert 0 < t < 4 and reached == pytest.approx(target, rel=0.05)
    assert level_bpp(model, x, 0) == pytest.approx(reached)
    assert torch.equal(model.rate_gain.log_gain[1], torch.zeros(24))  # the base level is left alone


def test_mixed_quantisation_feeds_the_synthesis_rounded_latents() -> None:
    torch.manual_seed(0)
    model = create_model("scale-hyperprior", 16, 24).train()
    seen: list[torch.Tensor] = []
    model.g_s.register_forward_pre_hook(lambda _, args: seen.append(args[0].detach()))
    x = torch.rand(1, 3, 64, 64)
    for ste in (False, True):
        model(x, ste=ste)["x_hat"].mean().backward()
    noisy, rounded = seen
    assert not torch.equal(noisy, noisy.round()) and torch.equal(rounded, rounded.round())
    assert model.g_a[0].weight.grad is not None and model.g_a[0].weight.grad.abs().sum() > 0


def test_a_file_no_entry_names_is_removed_on_export(train_dir: Path, tmp_path: Path) -> None:
    """Shipping new weights for every quality of a file leaves no orphan file for the wheel to carry."""
    cfg = _config(tmp_path / "run", train_dir, 2)
    Trainer(cfg).run(progress=False)
    weights = tmp_path / "weights"
    (first,) = export_checkpoint(tmp_path / "run" / CHECKPOINT, weights, quality=1)
    Trainer(dataclasses.replace(cfg, steps=3)).run(progress=False)
    (second,) = export_checkpoint(tmp_path / "run" / CHECKPOINT, weights, quality=1)
    assert first.file != second.file and [p.name for p in weights.glob("*.pt")] == [second.file]


def test_weights_stored_in_fp16_keep_the_likelihood_bound() -> None:
    """fp16 holds 1e-9 as 0: a network loaded from a shipped (fp16) file must still bound the
    likelihoods, or one improbable latent makes the rate infinite."""
    model = create_model("mean-scale-hyperprior", 16, 24)
    stored = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    assert stored["gaussian_conditional.likelihood_lower_bound.bound"].item() == 0
    fresh = create_model("mean-scale-hyperprior", 16, 24)
    fresh.load_state_dict(stored)
    y = torch.full((1, 24, 2, 2), 1e4)  # far beyond any trained scale
    _, likelihoods = fresh.gaussian_conditional(y, torch.ones_like(y), means=torch.zeros_like(y), training=False)
    assert torch.isfinite(-torch.log2(likelihoods)).all()
