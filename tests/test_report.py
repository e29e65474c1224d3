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
        f"blur,q3,3,,23.5,0.87,{top1},0.9\n"  # a distortion: no rate
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
    assert "| blur | q3 | 3 |  | 23.50 |" in text and "| blur | 1 |" not in text  # a distortion has no rate range
    assert "![curve](../experiments/kodak/curve.png)" in text


def test_equal_rate_table_interpolates_the_references_at_each_odic_point(tmp_path: Path) -> None:
    from odic.eval.report import equal_rate_table

    path = tmp_path / "summary.csv"
    path.write_text(
        "codec,setting,images,bpp,msssim,top1:lite2\n"
        "jpeg,q5,2,0.1,0.80,0.20\n"
        "jpeg,q50,2,0.4,0.96,0.60\n"
        "webp,q0,2,0.1,0.90,0.50\n"
        "webp,q80,2,1.6,0.98,0.90\n"
        "odic:0,q1,2,0.025,0.75,0.10\n"
        "odic:0,q3,2,0.2,0.95,0.55\n"
        "odic:1,q2,2,0.05,0.93,0.45\n"
    )
    text = equal_rate_table(path)
    assert ("| odic | bpp | MS-SSIM: odic | MS-SSIM: odic:0 | MS-SSIM: avif | MS-SSIM: jpeg | MS-SSIM: webp | "
            "MS-SSIM: webp-half |") in text
    # Points join in log-rate. q3 at 0.2 bpp: jpeg half-way from 0.1 to 0.4 (0.88, 40 %), webp a quarter
    # of the way from 0.1 to 1.6 (0.92, 60 %); α = 0 is the point itself, so it has no comparison;
    # this sweep has no AVIF
    assert "| odic:0 q3 | 0.200 | **0.9500** | – | – | 0.8800 | 0.9200 | – | **55.0** | – | – | 40.0 | 60.0 | – |" in text
    assert "| odic:0 q1 | 0.025 | **0.7500** | – | – | – | – | – |" in text  # below every curve: no comparison
    # α = 1 at 0.05 bpp: α = 0 a third of the way from 0.025 to 0.2 (0.8167, 25 %); below jpeg and webp
    assert "| odic:1 q2 | 0.050 | **0.9300** | 0.8167 | – | – | – | – | **45.0** | 25.0 | – | – | – | – |" in text


def test_every_odic_network_is_measured_against_avif(tmp_path: Path) -> None:
    from odic.eval.report import rival_bd_table

    path = tmp_path / "summary.csv"
    rates = [0.05, 0.1, 0.2, 0.4, 0.8]
    rows = ["codec,setting,images,bpp,psnr,msssim"]
    # odic:0 needs exactly half AVIF's bits for every quality; odic:1 the same bits up to 0.2 bpp
    # (AVIF's rate), then twice them
    for i, bpp in enumerate(rates):
        rows.append(f"avif,q{i},2,{bpp},{25 + 2 * i},{0.9 + 0.02 * i}")
        rows.append(f"odic:0,q{i},2,{bpp / 2},{25 + 2 * i},{0.9 + 0.02 * i}")
        rows.append(f"odic:1,q{i},2,{bpp * (1 if bpp <= 0.2 else bpp / 0.2)},{25 + 2 * i},{0.9 + 0.02 * i}")
    path.write_text("\n".join(rows) + "\n")
    text = rival_bd_table(path)
    assert "| codec | PSNR (dB), all | PSNR (dB), 0.1–0.5 bpp | MS-SSIM, all | MS-SSIM, 0.1–0.5 bpp |" in text
    assert "| odic:0 | -50.0 | -50.0 | -50.0 | -50.0 |" in text
    odic1 = next(line for line in text.splitlines() if line.startswith("| odic:1 "))
    everywhere, low_rates = (float(c) for c in odic1.split("|")[2:4])
    assert 0 < low_rates < everywhere  # the range 0.1–0.5 bpp leaves out most of where odic:1 trails
    assert rival_bd_table(tmp_path / "summary.csv").count("| avif") == 0
    path.write_text("codec,setting,images,bpp,psnr,msssim\njpeg,q1,2,0.1,25,0.9\n")
    assert rival_bd_table(path) == ""  # no AVIF in the sweep: no table


def test_summary_opens_the_document_with_bd_rates_against_avif_and_jpeg(tmp_path: Path) -> None:
    from odic.eval.report import summary

    experiments = tmp_path / "experiments"
    (experiments / "kodak").mkdir(parents=True)
    rows = ["codec,setting,images,bpp,psnr,msssim"]
    for codec, scale in (("avif", 1.0), ("jpeg", 2.0), ("odic:0", 1.5)):  # equal quality at 1×, 2×, 1.5× the bits
        rows += [f"{codec},q{i},2,{scale * bpp},{30 + 10 * i},{1 - 0.1 / (i + 1)}" for i, bpp in enumerate((0.1, 0.2, 0.4, 0.8))]
    (experiments / "kodak" / "summary.csv").write_text("\n".join(rows) + "\n")
    text = summary(experiments)
    assert "| odic:0 | +50 / -25 | +50 / -25 |" in text
    assert "| avif | – / -50 | – / -50 |" in text
    assert "odic:0 needs +50 to +50 % against AVIF (ahead on 0 of 2) and -25 to -25 % against JPEG (ahead on 2 of 2)." in text
    out = tmp_path / "results.md"
    write_report(experiments, out)
    assert out.read_text().index("## Summary") < out.read_text().index("## kodak")
    _experiment(experiments / "robustness", "Robustness", "0.5")
    write_report(experiments, out, only=["robustness"])  # a report of the studies: not of these sweeps
    assert "## Summary" not in out.read_text() and "## Robustness" in out.read_text()


def test_an_infinite_psnr_is_shown_as_a_dash_with_the_reason(tmp_path: Path) -> None:
    from odic.eval.report import csv_table

    path = tmp_path / "summary.csv"
    path.write_text("codec,setting,images,bpp,psnr,msssim\njpeg,q60,2,1.2,inf,0.98\njpeg,q5,2,0.1,27.1,0.9\n")
    text = csv_table(path)
    assert "| inf |" not in text and "| jpeg | q60 | 2 | 1.200 | – | 0.9800 |" in text
    assert "infinite mean PSNR (jpeg q60)" in text
