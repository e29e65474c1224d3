"""docs/results.md is generated from experiment folders: tables, BD-rates and plots, in order."""

from __future__ import annotations

import json
from pathlib import Path

from odic.eval.report import write_report


def _experiment(folder: Path, title: str, top1: str) -> None:
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(f"# {title}\n\nWhat it shows.\n\n```bash\nodic sweep\n```\n")
    (folder / "summary.csv").write_text(
        "codec,setting,images,bpp,psnr,msssim,top1:tflite:x/mnv2.tflite,top5:tflite:x/mnv2.tflite\n"
        f"jpeg,q5,3,0.12345,27.123,0.91234,{top1},0.9\n"
        f"jpeg,q50,3,0.98765,35.123,0.98234,{top1},0.9\n"
    )
    (folder / "bd_rate.json").write_text(json.dumps({"reference": "jpeg", "rows": [{"codec": "webp", "psnr": -12.34, "msssim": float("nan")}]}))
    (folder / "curve.png").write_bytes(b"png")


def test_report_renders_every_result_folder(tmp_path: Path) -> None:
    experiments = tmp_path / "experiments"
    _experiment(experiments / "zoo", "Other study", "0.5")
    _experiment(experiments / "kodak", "Kodak curves", "0.25")
    (experiments / "train").mkdir()  # no results: no section
    out = tmp_path / "docs" / "results.md"
    out.parent.mkdir()
    text = write_report(experiments, out).read_text()
    assert text.index("## Kodak curves") < text.index("## Other study")  # the fixed order first
    assert "## train" not in text and "What it shows." in text
    assert "| codec | setting | images | bpp | PSNR (dB) | MS-SSIM | top-1 mnv2 (%) |" in text
    assert "| jpeg | q5 | 3 | 0.123 | 27.12 | 0.9123 | 25.0 |" in text  # top-5 left out, accuracy in %
    assert "| webp | -12.3 | n/a |" in text
    assert "| jpeg | 2 | 0.123 | 0.988 |" in text  # the rate range each codec covers
    assert "![curve](../experiments/kodak/curve.png)" in text
