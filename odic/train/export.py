"""From a training checkpoint to a shipped model (``odic export``).

Drops optimiser state, refreshes the entropy models' CDF tables, optionally
rounds weights to fp16 (halving the file; encoder and decoder then both use the
rounded weights, so files stay bit-exact — the Kodak figures recorded are those
of the rounded model), measures Kodak bpp / PSNR / MS-SSIM with the real
encoder and decoder, and writes the file, its sha256 and its manifest entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import torch

from odic.codec import zoo
from odic.codec.codec import Codec
from odic.codec.image import load_image
from odic.codec.models import create_model, get_architecture
from odic.data.files import find_images
from odic.eval.metrics import bits_per_pixel, msssim_uint8, psnr


def kodak_figures(codec: Codec, images: list[Path]) -> dict[str, float]:
    """Mean bpp, PSNR and MS-SSIM over ``images`` through real ``.odic`` files."""
    rows = []
    for path in images:
        image = load_image(path)
        data = codec.encode_image(image).data
        decoded = np.asarray(codec.decode(data).convert("RGB"))
        rows.append((bits_per_pixel(len(data), image.height, image.width), psnr(image.rgb, decoded),
                     msssim_uint8(image.rgb, decoded)))
    bpp, p, m = np.mean(rows, axis=0)
    return {"bpp": round(float(bpp), 4), "psnr": round(float(p), 3), "msssim": round(float(m), 5), "images": len(rows)}


def export_checkpoint(
    checkpoint: Path,
    weights_dir: Path,
    quality: int,
    *,
    name: Optional[str] = None,
    half: bool = True,
    kodak: Optional[Path] = None,
) -> zoo.ModelCard:
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    cfg = state["config"]
    model = create_model(cfg["architecture"], cfg["N"], cfg["M"])
    model.load_state_dict(state["model"])
    if half:
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.half().float())
    model.update(force=True)
    figures: dict[str, float] = {}
    if kodak is not None:
        # The figures do not depend on the model id, which exists only once the file is written.
        codec = Codec(model.eval(), get_architecture(cfg["architecture"]), b"\0" * 4, cfg["alpha"], quality)
        figures = kodak_figures(codec, find_images(kodak))
    return zoo.export(
        model, weights_dir, name=name or f"odic-a{cfg['alpha']:g}-q{quality}", architecture=cfg["architecture"],
        N=cfg["N"], M=cfg["M"], alpha=cfg["alpha"], quality=quality, lmbda=cfg["lmbda"], half=half,
        training_data="BSDS500 train+test (400 images, ../shared/data/train)",
        steps=state["step"], wall_s=round(state["wall"], 1), kodak=figures,
        train_config={k: cfg[k] for k in ("crop", "batch", "lr", "observer", "feature_scale", "seed", "init_from")},
    )
