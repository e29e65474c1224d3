"""From a training checkpoint to a shipped model (``odic lab export``).

Drops optimiser state, refreshes the entropy models' CDF tables, optionally
rounds weights to fp16 (halving the file; encoder and decoder then both use the
rounded weights, so files stay bit-exact — the Kodak figures recorded are those
of the rounded model), measures Kodak bpp / PSNR / MS-SSIM with the real
encoder and decoder, and writes the file, its sha256 and its manifest entry.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import torch

from odic.codec import zoo
from odic.codec.codec import Codec
from odic.codec.image import load_image
from odic.codec.models import create_coder, get_architecture
from odic.data.files import find_images
from odic.metrics import measure
from odic.train.loop import TrainConfig, rate_schedule
from odic.train.models import GainedHyperprior, create_model


def load_checkpoint(checkpoint: Path) -> tuple[dict, GainedHyperprior]:
    """A training checkpoint's saved state and its network, weights loaded, in eval mode."""
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    cfg = state["config"]
    model = create_model(cfg["architecture"], cfg["N"], cfg["M"])
    model.load_state_dict(state["model"])
    return state, model.eval()


def kodak_figures(codec: Codec, images: list[Path]) -> dict[str, float]:
    """Mean bpp, PSNR and MS-SSIM over ``images`` through real ``.odic`` files."""
    rows = []
    for path in images:
        image = load_image(path)
        data = codec.encode_image(image).data
        decoded = np.asarray(codec.decode(data).convert("RGB"))
        m = measure(image.rgb, data, decoded)
        assert m.bpp is not None and m.msssim is not None  # a real file of a photo ≥ 11 px
        rows.append((m.bpp, m.psnr, m.msssim))
    bpp, p, m = np.mean(rows, axis=0)
    return {"bpp": round(float(bpp), 4), "psnr": round(float(p), 3), "msssim": round(float(m), 5), "images": len(rows)}


def lineage(checkpoint: Path, state: dict) -> list[dict]:
    """This run and every run it was fine-tuned from (``init_from``, followed while the file exists).

    Why: a shipped network is usually a chain of fine-tunes, and its cost is the whole chain;
    the manifest's ``steps`` / ``wall_s`` are the sums over it and ``lineage`` lists each link.
    """
    links, seen, path, digest = [], {checkpoint.resolve()}, checkpoint, None
    while True:
        if "config" in state:
            cfg = state["config"]
            links.append({"run": str(cfg["out"]), "alpha": cfg["alpha"], "steps": state["step"],
                          "wall_s": round(state["wall"], 1), "device": cfg.get("device", "cpu")})
            if state.get("init_lineage") is not None:  # started from a shipped file: its chain as it was then
                return links + list(state["init_lineage"])
            source, digest = cfg.get("init_from"), state.get("init_sha256")
        elif "source" in state:  # a starting point derived from a run without training (extend_ladder.py)
            source, digest = state["source"], None
        else:  # a bare state dict (a shipped weights file) from an older run: look its entry up now
            return links + zoo.shipped_lineage(digest or zoo.sha256_file(path))
        parent = Path(source) if source else None
        if parent is None or not parent.is_file() or parent.resolve() in seen:
            return links
        seen.add(parent.resolve())
        path, state = parent, torch.load(parent, map_location="cpu", weights_only=False)


def _rates(cfg: dict, model: GainedHyperprior, quality: int | None,
           half_size: dict[int, int] | None = None) -> list[zoo.OperatingPoint]:
    """The operating points to export from a run's config.

    A variable-rate run exports all its trained qualities, or only ``quality`` (one operating
    point of the network, e.g. for the α trade-off beside single-rate fine-tunes). Levels and
    resampling come from :func:`~odic.train.loop.rate_schedule`, so export ships each level
    exactly as it was trained. ``half_size`` maps a shipped quality to the trained quality whose
    level codes it at half size (it replaces a trained quality of that number): the bottom of
    the ladder, where a network codes a half-size picture better than the full one.
    """
    if not cfg.get("qualities"):
        if quality is None:
            raise ValueError("a single-rate model needs --quality")
        if half_size:
            raise ValueError("half-size qualities need a variable-rate run")
        lmbda = cfg["lmbda"][0] if isinstance(cfg["lmbda"], list) else cfg["lmbda"]
        return [zoo.OperatingPoint(quality=quality, lmbda=lmbda)]
    config = TrainConfig(**{f.name: cfg[f.name] for f in dataclasses.fields(TrainConfig) if f.name in cfg})
    schedule = rate_schedule(config, model.rate_gain.levels, get_architecture(cfg["architecture"]).stride)
    trained = {int(p.quality): p for p in schedule}
    for source in (half_size or {}).values():
        if source not in trained:
            raise ValueError(f"quality {source} was not trained; this run has {', '.join(map(str, trained))}")
    rates = {**trained, **{shipped: dataclasses.replace(trained[source], quality=shipped, resample=2)
                           for shipped, source in (half_size or {}).items()}}
    chosen = [rates[q] for q in sorted(rates) if quality in (None, q)]
    if not chosen:
        raise ValueError(f"quality {quality} was not trained; this run has {', '.join(map(str, sorted(rates)))}")
    return chosen


def export_checkpoint(
    checkpoint: Path,
    weights_dir: Path,
    quality: int | None = None,
    *,
    name: str | None = None,
    half: bool = True,
    kodak: Path | None = None,
    half_size: dict[int, int] | None = None,
) -> list[zoo.ModelCard]:
    state, model = load_checkpoint(checkpoint)
    cfg = state["config"]
    rates = _rates(cfg, model, quality, half_size)
    if half:
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.half().float())
    model.update(force=True)
    arch = get_architecture(cfg["architecture"])
    # The figures are measured on the network as it ships: the codec's own build, fp16 when stored so.
    shipped = {k: v.half() if half and v.is_floating_point() else v for k, v in model.state_dict().items()}
    coder = create_coder(cfg["architecture"], cfg["N"], cfg["M"], shipped)
    exported = []
    for rate in rates:
        if kodak is not None:
            # The figures do not depend on the model id, which exists only once the file is written.
            codec = Codec(coder, arch, b"\0" * 4, cfg["alpha"], rate.quality, rate.level, rate.resample)
            rate = dataclasses.replace(rate, kodak=kodak_figures(codec, find_images(kodak)))
        exported.append(rate)
    chain = lineage(checkpoint, state)
    return zoo.export(
        model, weights_dir, name=name, architecture=cfg["architecture"],
        N=cfg["N"], M=cfg["M"], alpha=cfg["alpha"], points=exported, half=half,
        training_data=", ".join(cfg["data"]) + (f" (the first {cfg['hold_out']} images of each held out)"
                                                 if cfg.get("hold_out") else ""),
        steps=sum(link["steps"] for link in chain), wall_s=round(sum(link["wall_s"] for link in chain), 1),
        lineage=chain,
        # The last link's recipe; where it started from is the lineage's business, since a path of
        # the training machine means nothing where the weights are installed.
        train_config={k: cfg.get(k) for k in ("crop", "batch", "lr", "observer", "feature_scale", "anchor",
                                              "view_scale", "pixel", "human_pixel", "gain_lr", "hold_out",
                                              "quantize", "seed")},
    )
