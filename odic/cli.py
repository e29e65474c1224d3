"""The ``odic`` command line: a thin Typer shell over :mod:`odic.api`.

Conventions: results go to files (or stdout for ``-``); messages, progress and
summaries go to stderr. A problem with one input is one line
``odic: error: FILE: problem`` and the run goes on with the other inputs; the
exit status is 2 if any input failed. Nothing half-written is ever left behind.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from PIL import Image
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from odic import api, outputs
from odic.cliutil import err, fail, out_console
from odic.codec import zoo
from odic.codec.bitstream import bits_per_pixel
from odic.codec.image import DEFAULT_MAX_PIXELS, ImageConversionWarning, load_image
from odic.data.files import IMAGE_SUFFIXES, Input, expand
from odic.errors import ArgumentError, OdicError
from odic.fsutil import atomic_write_bytes
from odic.lab import lab

app = typer.Typer(
    help="odic — observer-dependent image compression: a learned image codec tuned for people (α=0), "
    "machines (α=1), or both.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

OUTPUT_FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP", "tiff": "TIFF", "bmp": "BMP",
                  "ppm": "PPM"}


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out_console.print(f"odic {version('odic')}", markup=False)
        raise typer.Exit()


@app.callback()
def root(
    show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print odic's version and exit."),
) -> None:
    pass


@dataclass
class Outcome:
    in_bytes: int = 0
    out_bytes: int = 0
    pixels: int = 0


#: Larger inputs are refused before they are read: a 64 MP photo is far below it, a sparse or
#: runaway file (a 20 GB ".png") would otherwise be read whole into memory.
DEFAULT_MAX_BYTES = 1 << 30


_SIZE_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2}


def parse_size(text: str) -> int:
    """Bytes from "20000", "20KB" / "20k" (×1000) or "20KiB" (×1024), as file sizes are written."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", text.lower())
    if match is None or match[2] not in _SIZE_UNITS:
        raise ArgumentError(f"cannot read {text!r} as a size (e.g. 20000, 20KB, 20KiB, 1.5MB)")
    return int(float(match[1]) * _SIZE_UNITS[match[2]])


def _read(item: Input, max_bytes: int) -> bytes:
    too_big = f"file is larger than the {max_bytes:,}-byte limit (--max-bytes)"
    if item.path is None:
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise OdicError(too_big)
        return data
    try:
        if item.path.stat().st_size > max_bytes:
            raise OdicError(too_big)
        return item.path.read_bytes()
    except FileNotFoundError:
        raise OdicError("no such file") from None
    except IsADirectoryError:
        raise OdicError("is a directory") from None
    except OSError as e:
        raise OdicError(e.strerror or str(e)) from None


def _target(item: Input, output: str | None, suffix: str, many: bool) -> Path | None:
    """Where one input's result goes; ``None`` means stdout."""
    if output == "-" or (output is None and item.path is None):
        if many:
            fail("'-o -' (stdout) takes a single input")
        return None
    if output is None:
        return item.path.with_suffix(suffix)  # type: ignore[union-attr]
    out = Path(output)
    if many or out.is_dir() or output.endswith(("/", "\\")):
        return out / item.relative.with_suffix(suffix)
    return out


def _plan(items: list[Input], output: str | None, suffix: str) -> list[tuple[Input, Path | None]]:
    """Every input with its output, refused as a whole (before any work) when an output would
    replace an input or two inputs would write one output (:mod:`odic.outputs`)."""
    if not items:
        fail("no input files")
    plan = [(item, _target(item, output, suffix, len(items) > 1)) for item in items]
    try:
        outputs.check_plan([(item.path, target) for item, target in plan], [item.label for item in items])
    except OdicError as e:
        fail(str(e))
    return plan


def _write(target: Path | None, data: bytes) -> None:
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, data)


@dataclass(frozen=True)
class Report:
    """How much a per-file command says: ``quiet`` only errors, ``verbose`` a line per file on stderr,
    ``as_json`` one JSON object per file on stdout (for scripts; not with ``-o -``)."""

    quiet: bool = False
    verbose: bool = False
    as_json: bool = False

    def file(self, item: Input, target: Path | None, outcome: Outcome | None, seconds: float,
             problem: str | None, verb: str) -> None:
        coded = None if outcome is None else outcome.out_bytes if verb == "encode" else outcome.in_bytes
        bpp = None if outcome is None or coded is None else round(bits_per_pixel(coded, outcome.pixels), 5)
        if self.as_json:
            record = {"input": item.label, "output": "-" if target is None else str(target), "ok": problem is None,
                      "error": problem, "bytes_in": outcome and outcome.in_bytes,
                      "bytes_out": outcome and outcome.out_bytes,
                      "pixels": outcome and outcome.pixels, "bpp": bpp, "seconds": round(seconds, 4)}
            typer.echo(json.dumps(record))
        if self.verbose and outcome is not None:
            err.print(f"{item.label} → {'-' if target is None else target}: {outcome.in_bytes:,} → "
                      f"{outcome.out_bytes:,} bytes, {bpp:.3f} bpp, {seconds:.2f} s", markup=False)


def _quiet_option() -> Any:
    return typer.Option(False, "--quiet", help="Print only errors: no warnings, no summary.")


def _verbose_option() -> Any:
    return typer.Option(False, "--verbose", "-v", help="Print a line per file: bytes, bpp, seconds.")


def _json_option() -> Any:
    return typer.Option(False, "--json", help="Print one JSON object per file on stdout.")


def _threads_option() -> Any:
    return typer.Option(0, "--threads", min=0, help="CPU threads for the networks (0: torch's default).")


def _device_option() -> Any:
    return typer.Option(None, "--device", help="Where the networks' heavy transforms run: cpu or cuda[:N] "
                        "(default: $ODIC_DEVICE, else cpu). Files do not depend on it.")


def _use_device(device: str | None) -> None:
    """Check ``device`` and make it every codec's in this process and its workers (``$ODIC_DEVICE``)."""
    if device is None:
        return
    from odic.codec.codec import transform_device

    try:
        transform_device(device)
    except OdicError as e:
        fail(str(e))
    os.environ["ODIC_DEVICE"] = device


def _report(quiet: bool, verbose: bool, as_json: bool, threads: int) -> Report:
    if threads:
        import torch

        torch.set_num_threads(threads)
    return Report(quiet, verbose, as_json)


def _run(plan: list[tuple[Input, Path | None]], work: Callable[[Input, Path | None], Outcome], verb: str,
         force: bool, report: Report = Report()) -> None:
    """Apply ``work`` to every planned input with a progress bar, errors per file, and a summary.
    An existing output is refused before its input is read, unless ``force`` may replace it."""
    if report.as_json and any(target is None for _, target in plan):
        fail("--json prints to stdout, which -o - already uses")
    inputs = [item for item, _ in plan]
    total, failed, internal, start = Outcome(), 0, False, time.perf_counter()
    show_bar = len(inputs) > 1 and err.is_terminal
    columns = [TextColumn(verb), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[name]}")]
    with Progress(*columns, console=err, disable=not show_bar, transient=True) as bar:
        task = bar.add_task(verb, total=len(inputs), name="")
        for item, target in plan:
            bar.update(task, name=item.relative.name)
            outcome, problem, began = None, None, time.perf_counter()
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ImageConversionWarning)
                    if target is not None:
                        outputs.check_replace(target, force)
                    outcome = work(item, target)
                for w in caught:
                    if issubclass(w.category, ImageConversionWarning) and not report.quiet:  # ours; not library chatter
                        err.print(f"odic: warning: {item.label}: {w.message}", markup=False)
                total.in_bytes += outcome.in_bytes
                total.out_bytes += outcome.out_bytes
                total.pixels += outcome.pixels
            except (OdicError, OSError) as e:
                problem = str(e)
            except MemoryError:
                problem = "out of memory"
            except Exception as e:  # a library's own failure on this input: the other inputs go on
                internal = True
                problem = f"internal error: {type(e).__name__}: {e}".splitlines()[0]
            if problem is not None:
                failed += 1
                err.print(f"odic: error: {item.label}: {problem}", markup=False)
            report.file(item, target, outcome, time.perf_counter() - began, problem, verb)
            bar.advance(task)
    done = len(inputs) - failed
    if len(inputs) > 1 and not report.quiet:
        seconds = time.perf_counter() - start
        bpp = bits_per_pixel(total.out_bytes if verb == "encode" else total.in_bytes, total.pixels)
        err.print(
            f"{verb}d {done}/{len(inputs)} files: {total.in_bytes:,} → {total.out_bytes:,} bytes, "
            f"mean {bpp:.3f} bpp, {seconds:.1f} s",
            markup=False,
        )
    if failed:
        raise typer.Exit(1 if internal else 2)


def _output_option(default: str) -> Any:
    return typer.Option(None, "-o", "--output", help="Output file, or directory for several inputs (the input tree is "
                        f"mirrored), or - for stdout. Default: {default}.")


def _max_pixels_option() -> Any:
    return typer.Option(DEFAULT_MAX_PIXELS, "--max-pixels", min=1, help="Refuse images with more pixels than this.")


def _max_bytes_option() -> Any:
    return typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1, help="Refuse input files larger than this, "
                        "before reading them.")


def _force_option() -> Any:
    return typer.Option(False, "--force", help="Replace existing outputs that odic wrote earlier (.odic files, "
                        "decoded images). Never an input, never any other file.")


@app.command()
def encode(
    inputs: list[str] = typer.Argument(..., help="Image files, directories (recursive), glob patterns, or - for "
                                       "stdin."),
    output: str | None = _output_option("next to each input with the suffix .odic"),
    alpha: float | None = typer.Option(None, "--alpha", "-a", min=0.0, max=1.0,
                                          help="Observer weight: 0 = human (MS-SSIM), 1 = machine (classifier "
                                          "features)."),
    observer: str | None = typer.Option(None, "--observer", help="Preset for --alpha: human (0), balanced (0.5), "
                                                                 "machine (1)."),
    quality: float | None = typer.Option(None, "--quality", "-q", help="Quality, from the lowest to the highest "
                                            "shipped one (see 'odic models'), fractions too; higher = more bits. "
                                            "Default: the middle shipped one."),
    bpp: float | None = typer.Option(None, "--bpp", help="Instead of --quality: the highest quality whose file "
                                        "takes at most this many bits per pixel."),
    size: str | None = typer.Option(None, "--size", help="Instead of --quality: the highest quality whose file "
                                       "takes at most this many bytes, e.g. 20000, 20KB or 20KiB."),
    drop_alpha: bool = typer.Option(False, "--drop-alpha", help="Encode images with transparency by discarding the "
                                                                "alpha channel."),
    max_pixels: int = _max_pixels_option(),
    max_bytes: int = _max_bytes_option(),
    force: bool = _force_option(),
    quiet: bool = _quiet_option(),
    verbose: bool = _verbose_option(),
    as_json: bool = _json_option(),
    threads: int = _threads_option(),
    device: str | None = _device_option(),
) -> None:
    """Compress images to .odic files.

    α chooses the observer the bits are spent for: people (0, MS-SSIM),
    machines (1, an ImageNet classifier's features) or a mix. A higher quality
    spends more bits; --bpp and --size find the highest quality that fits instead.
    Errors are per file; the exit status is 2 if any failed.

    \b
    Examples:
      odic encode photo.png                       # -> photo.odic
      odic encode photos/ -o out/ --observer machine -q 3.5
      odic encode photo.png --size 20KB
      cat photo.png | odic encode - > photo.odic
    """
    _use_device(device)
    try:
        budget = None if size is None else parse_size(size)
        api.check_rate(quality, bpp, budget)
        api.load_codec(alpha, quality, observer=observer)  # a bad α or quality fails before any file
    except (OdicError, ValueError) as e:
        fail(str(e))
    plan = _plan(expand(inputs, IMAGE_SUFFIXES), output, ".odic")

    def work(item: Input, target: Path | None) -> Outcome:
        raw = _read(item, max_bytes)
        read = len(raw)
        image = load_image(raw, drop_alpha=drop_alpha, max_pixels=max_pixels)
        del raw  # the source file's bytes are not needed while coding (0.1 GB for a 64 MP PNG)
        data = api.encode_image(image, alpha, quality, observer=observer, bpp=bpp, size=budget).data
        _write(target, data)
        return Outcome(read, len(data), image.height * image.width)

    _run(plan, work, "encode", force, _report(quiet, verbose, as_json, threads))


@app.command()
def decode(
    inputs: list[str] = typer.Argument(..., help=".odic files, directories (recursive), glob patterns, or - for "
                                       "stdin."),
    output: str | None = _output_option("next to each input, with the suffix of --format"),
    fmt: str = typer.Option("png", "--format", "-f",
                            help=f"Image format to write: {', '.join(sorted(OUTPUT_FORMATS))}."),
    max_pixels: int = _max_pixels_option(),
    max_bytes: int = _max_bytes_option(),
    force: bool = _force_option(),
    quiet: bool = _quiet_option(),
    verbose: bool = _verbose_option(),
    as_json: bool = _json_option(),
    threads: int = _threads_option(),
    device: str | None = _device_option(),
) -> None:
    """Decompress .odic files to images.

    The model is found from the id in each file's header; grayscale sources
    decode to grayscale images.

    \b
    Examples:
      odic decode photo.odic                      # -> photo.png
      odic decode out/ -o decoded/ --format webp
    """
    pil_format = OUTPUT_FORMATS.get(fmt.lower())
    if pil_format is None:
        fail(f"unknown --format {fmt!r} (choose from {', '.join(sorted(OUTPUT_FORMATS))})")
    _use_device(device)
    plan = _plan(expand(inputs, {".odic"}), output, "." + fmt.lower())

    def work(item: Input, target: Path | None) -> Outcome:
        data = _read(item, max_bytes)
        picture = api.decode(data, max_pixels=max_pixels)
        image = outputs.encoded_image(picture, pil_format)
        _write(target, image)
        return Outcome(len(data), len(image), picture.width * picture.height)

    _run(plan, work, "decode", force, _report(quiet, verbose, as_json, threads))


@app.command()
def info(
    file: str = typer.Argument(..., help="An .odic file, or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    max_bytes: int = _max_bytes_option(),
) -> None:
    """Show an .odic file's header (verifies its CRC; does not decode pixels)."""
    item = expand([file], {".odic"})[0]
    try:
        data = _read(item, max_bytes)
        header = api.info(data)
    except OdicError as e:
        fail(f"{item.label}: {e}")
    header_bytes = len(data) - header.len_z - header.len_y
    try:
        card: zoo.ModelCard | None = zoo.by_id(header.model_id, header.quality)
    except OdicError:
        card = None
    fields = {
        "format_version": header.version,
        "model_id": header.model_id.hex(),
        "model_installed": card.file if card else None,
        "alpha": header.alpha,
        "quality": header.quality,
        "width": header.width,
        "height": header.height,
        "mode": "L" if header.grayscale else "RGB",
        "coded_size": "x".join(map(str, header.coded_size[::-1])),
        "file_bytes": len(data),
        "header_bytes": header_bytes,
        "payload_bytes": header.len_z + header.len_y,
        "z_bytes": header.len_z,
        "y_bytes": header.len_y,
        "bpp": round(bits_per_pixel(len(data), header.height * header.width), 4),
        "symbols_crc32": f"{header.symbols_crc:08x}",
    }
    if as_json:
        typer.echo(json.dumps(fields, indent=2))
        return
    table = Table(title=item.label, show_header=False)
    for key, value in fields.items():
        table.add_row(key, str(value))
    out_console.print(table)


@app.command()
def models(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """List the installed models (pick one with --alpha/--observer and --quality)."""
    cards = zoo.available()
    if as_json:
        typer.echo(json.dumps([c.to_json() for c in cards], indent=2))
        return
    if not cards:
        err.print("no odic weights are installed (looked in " + ", ".join(map(str, zoo.search_dirs())) + ")")
        return
    table = Table(title="odic models")
    for column in ("id", "α", "quality", "λ", "arch", "N/M", "steps", "Kodak bpp", "PSNR", "MS-SSIM"):
        table.add_column(column)
    for c in cards:
        k = c.kodak
        table.add_row(
            c.sha256[:8], f"{c.alpha:g}", f"{c.quality}{' (half size)' if c.resample == 2 else ''}", f"{c.lmbda:g}",
            c.architecture, f"{c.N}/{c.M}", str(c.steps),
            *(f"{k[m]:.4g}" if m in k else "–" for m in ("bpp", "psnr", "msssim")),
        )
    out_console.print(table)
    enhancers = zoo.installed(zoo.EnhancerCard)
    if enhancers:
        extra = Table(title="enhancers (odic enhance --model NAME)")
        for column in ("name", "kind", "codec", "steps"):
            extra.add_column(column)
        for e in enhancers:
            extra.add_row(e.name, e.kind, e.codec, str(e.steps))
        out_console.print(extra)


@app.command()
def demo(
    images: Path | None = typer.Option(None, "--images", help="Folder of images to use instead of the bundled "
                                       "samples."),
    output: Path = typer.Option(Path("odic-demo.png"), "-o", "--output", help="Where to write the side-by-side PNG."),
    quality: int | None = typer.Option(None, "--quality", "-q", help="Quality index (default: the middle one)."),
) -> None:
    """Encode sample photos for human, balanced and machine observers; print a table and write a comparison PNG."""
    from odic.demo import (
        run_demo,  # imported lazily: only the demo needs the plotting code
    )

    try:
        rows = run_demo(images, output, quality)
    except (OdicError, ValueError) as e:
        fail(str(e))
    table = Table(title="odic demo")
    for column in ("image", "observer", "α", "bytes", "bpp", "PSNR dB", "MS-SSIM", "encode s", "decode s"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(r.image, r.observer, f"{r.alpha:g}", f"{r.num_bytes:,}", f"{r.bpp:.3f}", f"{r.psnr:.2f}",
                      f"{r.msssim:.4f}", f"{r.encode_s:.2f}", f"{r.decode_s:.2f}")
    out_console.print(table)
    err.print(f"wrote {output}")


@app.command()
def enhance(
    inputs: list[str] = typer.Argument(..., help="Decoded images (JPEG files, …), directories, glob patterns, or -."),
    output: str | None = _output_option("next to each input as NAME.enhanced.png"),
    model: str | None = typer.Option(None, "--model", "-m", help="Installed enhancer (see 'odic models'); "
                                        "default: the recognition-aware one."),
    max_pixels: int = _max_pixels_option(),
    max_bytes: int = _max_bytes_option(),
    force: bool = _force_option(),
) -> None:
    """Clean up images decoded by a legacy codec (JPEG) with a small CNN; writes PNG.

    The recognition-aware enhancer was trained to restore what classifiers need,
    the plain one only pixels (see docs/studies.md).
    """
    from odic.enhance import enhance as run_enhancer
    from odic.enhance import load_enhancer

    try:
        net = load_enhancer(model)
    except OdicError as e:
        fail(str(e))
    plan = _plan(expand(inputs, IMAGE_SUFFIXES), output, ".png" if output is not None else ".enhanced.png")

    def work(item: Input, target: Path | None) -> Outcome:
        raw = _read(item, max_bytes)
        image = load_image(raw, max_pixels=max_pixels)
        png = outputs.encoded_image(Image.fromarray(run_enhancer(net, image.rgb)), "PNG")
        _write(target, png)
        return Outcome(len(raw), len(png), image.height * image.width)

    _run(plan, work, "enhance", force)


@app.command()
def compare(
    image: Path = typer.Argument(..., help="The photo to compare codecs on."),
    bpp: float = typer.Option(0.25, "--bpp", min=0.01, help="Target rate: every codec at about this file size."),
    codecs: str = typer.Option("odic:0,odic:1,avif,webp,jpeg", "--codecs", help="Comma-separated: odic:ALPHA or a "
                               "classical codec (jpeg, webp, avif, jpeg2000, jpegxl, heic)."),
    classifier: str | None = typer.Option(None, "--classifier", help="A classifier for top-5 labels under each "
                                          "picture (lite2, tflite:PATH, onnx:PATH; needs the 'observers' extra)."),
    output: Path = typer.Option(Path("compare.html"), "-o", "--output", help="The HTML page to write."),
    force: bool = _force_option(),
) -> None:
    """One self-contained HTML page: each codec at the same file size, side by side, zoom and
    pan together, flicker and slider against the original, with bytes, bpp, PSNR and MS-SSIM."""
    from odic.compare import page, panels

    try:
        outputs.check_plan([(image, output)], [str(image)])
        if output.exists() and not force:
            raise OdicError(f"{output} exists (--force replaces it)")
        loaded = load_image(image.read_bytes())
        found = panels(loaded, [c for c in codecs.split(",") if c], bpp, classifier)
    except (OdicError, OSError, ValueError) as e:
        fail(str(e))
    atomic_write_bytes(output, page(image.name, bpp, found, classifier).encode())
    for p in found[1:]:
        err.print(f"{p.codec:10s} {p.setting:14s} {p.num_bytes:8,d} bytes {p.bpp:.3f} bpp  PSNR {p.psnr:.2f}  MS-SSIM "
                  + ("–" if p.msssim is None else f"{p.msssim:.4f}"), markup=False)
    err.print(f"wrote {output}")


@app.command("compress-dataset")
def compress_dataset_cmd(
    src: Path = typer.Argument(..., help="Folder of images (recursive)."),
    dst: Path = typer.Argument(..., help="Output folder: the mirrored tree and manifest.jsonl."),
    codec: str = typer.Option("odic", "--codec", help="odic, or a classical codec (jpeg, webp, avif, …)."),
    alpha: float = typer.Option(0.0, "--alpha", min=0.0, max=1.0, help="odic observer weight."),
    quality: float | None = typer.Option(None, "--quality", "-q", help="odic quality (default: the middle one)."),
    target_bpp: float | None = typer.Option(None, "--target-bpp", help="Target bpp: for odic, each image at the "
                                               "highest quality that fits; for a classical codec, the nearest."),
    workers: int = typer.Option(1, "--workers", min=1, help="Parallel worker processes."),
    engine: str = typer.Option("local", "--engine", help="local (this machine), or ray (the cluster of $RAY_ADDRESS; "
                               "a local Ray instance when unset)."),
    device: str | None = _device_option(),
) -> None:
    """Compress a whole image collection; safe to interrupt: run it again to finish."""
    from odic.data.dataset import compress_dataset, summary_dict

    _use_device(device)
    if not src.is_dir():
        fail(f"{src}: not a directory")
    try:
        summary = compress_dataset(src, dst, codec=codec, alpha=alpha, quality=quality, target_bpp=target_bpp,
                                   workers=workers, engine=engine, progress=err.is_terminal)
    except (OdicError, ValueError) as e:
        fail(str(e))
    for rel, problem in summary.failed:
        err.print(f"odic: error: {src / rel}: {problem}", markup=False)
    s = summary_dict(summary)
    err.print(f"{s['files']} files ({s['skipped']} already done, {len(s['failed'])} failed): "
              f"{s['source_bytes']:,} → {s['bytes']:,} bytes (×{s['compression_ratio']}), "
              f"mean {s['mean_bpp']} bpp, {s['seconds']:.1f} s", markup=False)
    if summary.failed:
        raise typer.Exit(2)


app.add_typer(lab, name="lab")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
