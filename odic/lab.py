"""``odic lab``: the research tooling behind odic's results, apart from the product commands.

Training, export, sweeps, robustness studies, observer adaptation, enhancer training, reports
and benchmarks: what experiments/ runs to make and judge the shipped networks. A user coding
images needs none of it; each command imports its machinery only when it runs.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from pathlib import Path

import typer
from rich.table import Table

from odic import api
from odic.cliutil import err, fail, out_console
from odic.codec import zoo
from odic.data.files import find_images
from odic.errors import OdicError

lab = typer.Typer(
    help="Research tooling: train and export networks, sweeps, studies, reports, benchmarks.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Quantize(str, Enum):
    noise = "noise"
    mixed = "mixed"


@lab.command()
def train(
    out: Path = typer.Option(..., "--out", help="Run directory: checkpoint (last.ckpt) and log.jsonl. Re-running "
                                                "resumes."),
    data: list[Path] = typer.Option(..., "--data", help="Training image folder(s). Never Kodak or imagenet-1000."),
    lmbda: list[float] = typer.Option(..., "--lambda", help="Rate–distortion trade-off λ: larger = more bits, better "
                                      "quality. Repeat it, with --quality, to train a variable-rate architecture."),
    qualities: list[int] = typer.Option([], "--quality", help="Quality index trained with each --lambda "
                                                              "(variable-rate)."),
    half_size: list[int] = typer.Option([], "--half-size", help="Train this quality (repeatable) coding the crop at "
                                        "half size, judged enlarged back to full size; 'odic lab export' ships it so. "
                                        "For the lowest rates."),
    alpha: float = typer.Option(0.0, "--alpha", min=0.0, max=1.0, help="Observer weight: 0 = MS-SSIM, 1 = classifier "
                                                                       "features."),
    architecture: str = typer.Option("mean-scale-hyperprior", "--arch", help="Registered architecture."),
    n: int = typer.Option(128, "--N", help="Channels of the transforms."),
    m: int = typer.Option(192, "--M", help="Channels of the latent."),
    steps: int = typer.Option(10_000, "--steps", help="Total optimiser steps (the run stops there)."),
    crop: int = typer.Option(256, "--crop", help="Square training crop; ≥ 161 keeps all 5 MS-SSIM scales."),
    batch: int = typer.Option(8, "--batch"),
    lr: float = typer.Option(1e-4, "--lr", help="Peak learning rate (warm-up, then cosine decay)."),
    warmup: int = typer.Option(200, "--warmup", help="Linear warm-up steps; short fine-tunes want fewer."),
    classifier: str = typer.Option("lite0", "--classifier", help="The classifier whose features the machine term "
                                   "compares (α > 0): lite0 or a timm name."),
    feature_scale: float = typer.Option(1.0, "--feature-scale", help="Calibration of D_feat against 1 − MS-SSIM."),
    anchor: float = typer.Option(0.0, "--anchor", min=0.0, help="Weight of 1 − MS-SSIM kept inside the machine term "
                                 "(ties α > 0 outputs to the pixels; see odic/train/loss.py)."),
    view_scale: float = typer.Option(1.0, "--view-scale", min=0.01, max=1.0, help="Shrink both images by this "
                                     "factor before the observer compares them, as a classifier's eval resize does "
                                     "(imagenet photos ~0.6)."),
    pixel: float = typer.Option(0.0, "--pixel", min=0.0, help="Weight of the pixel MSE kept inside the machine "
                                "term, beside --anchor (MS-SSIM leaves low-frequency colour loose; see "
                                "odic/train/loss.py)."),
    human_pixel: float = typer.Option(0.0, "--human-pixel", min=0.0, help="Weight of the pixel MSE beside "
                                      "1 − MS-SSIM in the human term (keeps the transforms near-invertible; see "
                                      "odic/train/loss.py)."),
    gain_lr: float = typer.Option(1.0, "--gain-lr", min=0.0, help="LR multiplier of a variable-rate network's "
                                  "rate gains (they move too slowly at the transforms' LR)."),
    quantize: Quantize = typer.Option(Quantize.noise, "--quantize", help="What the synthesis trains on: noise "
                                      "(additive uniform) or mixed (rounded latents, straight-through gradient; "
                                      "rate from noise). mixed matters at low rates."),
    seed: int = typer.Option(0, "--seed"),
    hold_out: int = typer.Option(0, "--hold-out", min=0, help="Never train on the first N images of each --data "
                                 "folder (sorted): they choose between networks (odic lab sweep --limit N)."),
    device: str = typer.Option("cpu", "--device", help="cpu or cuda."),
    threads: int = typer.Option(0, "--threads", help="CPU threads (0 = torch default)."),
    compile_: bool = typer.Option(False, "--compile/--eager", help="Compile the transforms (torch.compile): "
                                  "faster steps after about a minute of compiling."),
    init_from: Path | None = typer.Option(None, "--init-from", help="Start from this checkpoint's weights "
                                                                    "(fine-tuning)."),
    deadline: datetime | None = typer.Option(None, "--deadline", help="Stop (checkpointed, resumable) at the "
                                                "first step that ends after this local time."),
) -> None:
    """Train (or resume training) one model on images; see docs for the loss."""
    from odic.train.loop import TrainConfig
    from odic.train.loop import train as run_training

    config = TrainConfig(
        out=str(out), data=[str(d) for d in data], lmbda=lmbda, qualities=qualities, half_size=half_size, alpha=alpha,
        architecture=architecture, N=n, M=m,
        steps=steps, crop=crop, batch=batch, lr=lr, warmup=warmup, observer=classifier, feature_scale=feature_scale,
        anchor=anchor, view_scale=view_scale, pixel=pixel, human_pixel=human_pixel,
        gain_lr=gain_lr, quantize=quantize.value, seed=seed, hold_out=hold_out,
        device=device, threads=threads, compile=compile_, init_from=str(init_from) if init_from else None,
    )
    try:
        run_training(config, progress=err.is_terminal, deadline=deadline.timestamp() if deadline else None)
    except (OdicError, ValueError, FileNotFoundError) as e:
        fail(str(e))


@lab.command("export")
def export_cmd(
    checkpoint: Path = typer.Argument(..., help="A training checkpoint (last.ckpt)."),
    quality: int | None = typer.Option(None, "--quality", "-q", help="Quality index for a single-rate model; "
                                          "for a variable-rate model, export only this trained quality "
                                          "(default: all)."),
    weights_dir: Path = typer.Option(zoo.DEFAULT_DIR, "--weights-dir", help="Where the file and manifest go."),
    name: str | None = typer.Option(None, "--name", help="File stem (default odic-a<α>-<model id>)."),
    half: bool = typer.Option(True, "--half/--full", help="Store fp16 weights (both coder sides use them)."),
    kodak: Path | None = typer.Option(None, "--kodak", help="Kodak folder: measure bpp / PSNR / MS-SSIM into the "
                                                            "manifest."),
    half_size: list[str] = typer.Option([], "--half-size", help="Q:SOURCE ships quality Q as trained quality SOURCE "
                                        "coding the image at half size (repeatable; replaces a trained Q). "
                                        "For the lowest rates, where a half-size picture codes better."),
) -> None:
    """Turn a training checkpoint into a shipped model with a manifest entry."""
    from odic.train.export import export_checkpoint

    if not checkpoint.is_file():
        fail(f"{checkpoint}: no such checkpoint")
    try:
        mapping = {int(q): int(src) for q, src in (pair.split(":") for pair in half_size)}
    except ValueError:
        fail(f"--half-size takes Q:SOURCE quality pairs such as 1:2, not {' '.join(half_size)}")
    try:
        cards = export_checkpoint(checkpoint, weights_dir, quality, name=name, half=half, kodak=kodak,
                                  half_size=mapping)
    except (OdicError, ValueError) as e:
        fail(str(e))
    for card in cards:
        size = " at half size" if card.resample == 2 else ""
        figures = f" Kodak {card.kodak}" if card.kodak else ""  # measured only when --kodak found the images
        err.print(f"exported {card.file} (id {card.sha256[:8]}, α={card.alpha:g}, quality "
                  f"{card.quality}{size}){figures}")


@lab.command()
def sweep(
    images: Path = typer.Option(..., "--images", help="Folder of images (compressed at native resolution)."),
    out: Path = typer.Option(..., "--out", help="Output folder: records.jsonl (the resumable cache), summary.csv, "
                                                "plots."),
    labels: Path | None = typer.Option(None, "--labels", help="labels.csv (file,class_index) for top-1 / top-5."),
    codecs: str = typer.Option("jpeg,webp,odic:0", "--codecs", help="Comma-separated: jpeg, jpeg444, webp, avif, "
                               "jpeg2000, jpegxl, heic, odic:<alpha> (every installed quality)."),
    rates: str = typer.Option("", "--rates", help="Per-image target bpp for the classical codecs (a search per image); "
                              "empty: each codec's quality ladder, about 0.1–1.0 bpp, one encode each."),
    input_size: int | None = typer.Option(None, "--input-size", min=16, help="Resize + centre-crop every image to this "
                                             "side before compressing (the protocol of papers that compress the "
                                             "network input)."),
    judge_specs: str = typer.Option("", "--judges", help="Comma-separated classifiers that judge the decoded images: "
                               "lite2, tflite:PATH, onnx:PATH, adapted:PATH."),
    reference: str = typer.Option("jpeg", "--reference", help="Codec the BD-rate table compares against."),
    workers: int = typer.Option(1, "--workers", min=1, help="Parallel worker processes."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Use K images spread evenly over the (sorted) list."),
    qualities: str = typer.Option("", "--qualities", help="Comma-separated settings to run instead of each codec's "
                                                          "ladder (odic: qualities; default: every installed one)."),
    merge: Path | None = typer.Option(None, "--merge", help="Folder of an earlier sweep of the same images and "
                                         "observers: its summary rows that this sweep did not measure join this one's "
                                         "(summary, plots, BD-rate), e.g. after new weights replaced some qualities."),
) -> None:
    """Rate–distortion and rate–accuracy curves of odic and classical codecs (resumable)."""
    from odic.eval import plots
    from odic.eval import sweep as sweeps
    from odic.eval.accuracy import Labelled, read_labels

    items = read_labels(labels, images) if labels else [Labelled(p, None) for p in find_images(images)]  # type: ignore[arg-type]
    items = sweeps.spread(items, limit) if limit else items
    judges = [s for s in judge_specs.split(",") if s]
    try:
        jobs = sweeps.plan(items, [c for c in codecs.split(",") if c], [float(r) for r in rates.split(",") if r],
                           input_size, [float(q) for q in qualities.split(",") if q])
    except (OdicError, ValueError) as e:
        fail(str(e))
    sweeps.run(jobs, judges, out, workers, progress=err.is_terminal)
    rows = sweeps.summarize(out, judges, jobs)
    if merge is not None:
        try:
            rows = sweeps.merge(rows, merge / sweeps.SUMMARY)
        except OdicError as e:
            fail(str(e))
        sweeps.write_summary(out / sweeps.SUMMARY, rows)
    metrics = ["psnr", "msssim"] + [f"top1:{j}" for j in judges if labels]
    plots.rate_curves(rows, metrics, out)
    table = sweeps.bd_table(rows, reference, metrics)
    (out / "bd_rate.json").write_text(json.dumps({"reference": reference, "rows": table}, indent=2) + "\n")
    summary = Table(title=f"{len(items)} images — BD-rate vs {reference} (%; negative = fewer bits)")
    for column in ["codec", *metrics]:
        summary.add_column(column, justify="right")
    for row in table:
        summary.add_row(row["codec"], *(f"{row[m]:.1f}" for m in metrics))
    out_console.print(summary)
    err.print(f"wrote {out / sweeps.SUMMARY}, plots and bd_rate.json")


@lab.command()
def bench(
    images: Path = typer.Option(..., "--images", help="Folder of images (e.g. ../shared/data/kodak)."),
    limit: int = typer.Option(4, "--limit", min=1, help="Use the first K images."),
    codecs: str = typer.Option("jpeg,webp,avif,jpeg2000,jpegxl,heic", "--codecs", help="Classical codecs to time too."),
    quality: int | None = typer.Option(None, "--quality", "-q", help="odic quality (default: the middle one)."),
    alpha: float = typer.Option(0.0, "--alpha", help="odic α."),
) -> None:
    """Encode / decode megapixels per second; odic against CompressAI's plain path on the same weights."""
    from odic.eval.bench import baseline_speed, odic_speed

    files = find_images(images)[:limit]
    if not files:
        fail(f"no images in {images}")
    try:
        card = zoo.find(api.resolve_alpha(alpha), quality)
    except (OdicError, ValueError) as e:
        fail(str(e))
    ours, reference = odic_speed(card, files)
    rows = [ours, reference] + [baseline_speed(c, files) for c in codecs.split(",") if c]
    import torch

    table = Table(title=f"{len(files)} images, {torch.get_num_threads()} threads")
    for column in ("codec", "encode MP/s", "decode MP/s"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(r.codec, f"{r.encode_mps:.2f}", f"{r.decode_mps:.2f}")
    out_console.print(table)
    out_console.print(f"odic / CompressAI: encode ×{ours.encode_mps / reference.encode_mps:.2f}, "
                      f"decode ×{ours.decode_mps / reference.decode_mps:.2f}")


@lab.command()
def robustness(
    images: Path = typer.Option(..., "--images", help="Folder of images (distorted at native resolution)."),
    labels: Path = typer.Option(..., "--labels", help="labels.csv (file,class_index)."),
    judge_specs: str = typer.Option(..., "--judges", help="Comma-separated classifiers: lite0, lite2, tflite:PATH, "
                                                          "onnx:PATH."),
    out: Path = typer.Option(..., "--out", help="Output folder: records.jsonl (resumable), summary.csv, one plot per "
                                                "distortion."),
    distortions: str = typer.Option("blur,noise,jpeg-quality,jpeg2000-psnr,contrast", "--distortions",
                                    help="Comma-separated distortions, each run at its whole level grid."),
    odic_alphas: str = typer.Option("0,1", "--odic", help="odic α values added as a family at their installed "
                                    "qualities (rates); empty for none."),
    workers: int = typer.Option(1, "--workers", min=1, help="Parallel worker processes."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Use K images spread evenly over the list."),
) -> None:
    """Top-1 of each observer under blur, noise, JPEG, JPEG 2000 and contrast loss at their level
    grids (Dodge & Karam 2016), with odic as a sixth family; plots per distortion."""
    from odic.eval import plots
    from odic.eval import sweep as sweeps
    from odic.eval.accuracy import read_labels
    from odic.eval.distortions import get_distortion
    from odic.observers import display_name

    judges = [s for s in judge_specs.split(",") if s]
    chosen = [d for d in distortions.split(",") if d]
    families = ["original", *chosen, *(f"odic:{a}" for a in odic_alphas.split(",") if a)]
    try:
        for name in chosen:
            get_distortion(name)
        items = read_labels(labels, images)
        items = sweeps.spread(items, limit) if limit else items
        jobs = sweeps.plan(items, families)
    except (OdicError, ValueError, FileNotFoundError) as e:
        fail(str(e))
    sweeps.run(jobs, judges, out, workers, progress=err.is_terminal)
    rows = sweeps.summarize(out, judges, jobs)
    plots.distortion_curves(rows, judges, out)
    table = Table(title=f"{len(items)} images — top-1 (%)")
    for column in ["family", "level", "bpp", *map(display_name, judges)]:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(row["codec"], row["setting"].lstrip("q"), "" if row["bpp"] is None else f"{row['bpp']:.3f}",
                      *(f"{100 * row[f'top1:{j}']:.1f}" for j in judges))
    out_console.print(table)
    err.print(f"wrote {out / sweeps.SUMMARY} and plots")


@lab.command("adapt-classifier")
def adapt_classifier(
    classifier: str = typer.Option("lite0", "--classifier", help="The classifier to adapt (lite0, lite2, a timm "
                                   "name)."),
    codec: str = typer.Option(..., "--codec", help="The compression it should learn to see through: jpeg, webp, "
                              "odic:<alpha>, …"),
    rate: float = typer.Option(..., "--rate", min=0.01, help="Target bpp of the compressed training images."),
    train: list[Path] = typer.Option(..., "--train", help="Unlabelled training image folder(s)."),
    steps: int = typer.Option(300, "--steps", min=1, help="Optimiser steps."),
    out: Path = typer.Option(..., "--out", help="The adapted observer file (use it as adapted:FILE); FILE.ckpt "
                             "holds the resumable state."),
    batch: int = typer.Option(16, "--batch", min=1),
    lr: float = typer.Option(2e-5, "--lr"),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Fine-tune a classifier, without labels, to classify compressed images as it does clean ones."""
    from odic.train.adapt import AdaptConfig, adapt

    config = AdaptConfig(observer=classifier, codec=codec, rate=rate, train=[str(t) for t in train], steps=steps,
                         out=str(out), batch=batch, lr=lr, seed=seed)
    try:
        err.print(f"wrote {adapt(config, progress=err.is_terminal)}")
    except (OdicError, ValueError, FileNotFoundError) as e:
        fail(str(e))


@lab.command("train-enhancer")
def train_enhancer(
    out: Path = typer.Option(..., "--out", help="Run directory (last.ckpt, log.jsonl); re-running resumes."),
    data: list[Path] = typer.Option(..., "--data", help="Training image folder(s). Never Kodak or imagenet-1000."),
    kind: str = typer.Option("recognition", "--kind", help="plain (MSE only) or recognition (MSE + Lite0 features)."),
    steps: int = typer.Option(2000, "--steps", min=1),
    feature_weight: float = typer.Option(0.01, "--feature-weight", help="Feature-loss weight (recognition)."),
    threads: int = typer.Option(0, "--threads", help="CPU threads (0 = torch default)."),
) -> None:
    """Train a JPEG post-processing network (resumable); ship it with export-enhancer."""
    from odic.train.enhancer import EnhanceConfig, EnhancerTrainer

    if threads:
        import torch

        torch.set_num_threads(threads)
    try:
        EnhancerTrainer(EnhanceConfig(out=str(out), data=[str(d) for d in data], kind=kind, steps=steps,
                                      feature_weight=feature_weight)).run()
    except (OdicError, ValueError, FileNotFoundError) as e:
        fail(str(e))


@lab.command("export-enhancer")
def export_enhancer_cmd(
    checkpoint: Path = typer.Argument(..., help="An enhancer training checkpoint (last.ckpt)."),
    name: str = typer.Option(..., "--name", help="Installed name, e.g. jpeg-recognition."),
    weights_dir: Path = typer.Option(zoo.DEFAULT_DIR, "--weights-dir", help="Where the file and enhancers.json go."),
) -> None:
    """Ship a trained enhancer: fp16 file, sha256 and its entry in enhancers.json."""
    from odic.train.enhancer import export_enhancer

    if not checkpoint.is_file():
        fail(f"{checkpoint}: no such checkpoint")
    card = export_enhancer(checkpoint, weights_dir, name)
    err.print(f"exported {card.file} ({card.kind}, {card.steps} steps)")


@lab.command()
def report(
    experiments: Path = typer.Argument(Path("experiments"), help="Folder of experiment folders (summary CSVs, plots)."),
    out: Path = typer.Option(Path("docs/results.md"), "--out", "-o", help="Markdown file to write."),
    only: str = typer.Option("", "--only", help="Comma-separated experiment folders to include (default: all)."),
    title: str = typer.Option("Results", "--title", help="The document's heading."),
    command: str = typer.Option("bash experiments/results.sh", "--command", help="The command the header names "
                                "as the way to regenerate the document."),
    replot: bool = typer.Option(False, "--replot", help="First redraw every folder's rate curves from its "
                                "summary.csv, so that all plots share the current codec styles."),
) -> None:
    """Write docs/results.md from the committed experiment results (tables, BD-rates, plots)."""
    from odic.eval.report import redraw_rate_curves, write_report

    if not experiments.is_dir():
        fail(f"{experiments}: not a folder")
    names = [n for n in only.split(",") if n] or None
    if replot:
        for path in redraw_rate_curves(experiments, names):
            err.print(f"redrew {path}")
    err.print(f"wrote {write_report(experiments, out, names, title, command)}")
