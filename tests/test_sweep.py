"""The sweep: records per image × codec × setting, resumable, summarised in a fixed order."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from odic.eval import sweep
from odic.eval.accuracy import Labelled
from tests.conftest import random_image


def test_sweep_resumes_and_summarises(tmp_path: Path) -> None:
    items = []
    for i in range(2):
        path = tmp_path / f"img{i}.png"
        Image.fromarray(random_image(48, 64, seed=i)).save(path)
        items.append(Labelled(path, 7))
    jobs = sweep.plan(items, ["jpeg", "odic:0"], rates=[0.5, 1.0])
    assert len(jobs) == 2 * 2 + 2 * 2  # two target rates for jpeg, two installed qualities for α = 0
    out = tmp_path / "out"
    sweep.run(jobs[:3], [], out, progress=False)
    with open(out / sweep.RECORDS, "a") as f:
        f.write('{"image": "cut')  # a line cut by a kill
    sweep.run(jobs, [], out, progress=False)
    records = [json.loads(line) for line in (out / sweep.RECORDS).read_text().splitlines()]
    assert len(records) == len(jobs) and len({(r["image"], r["codec"], r["setting"]) for r in records}) == len(jobs)
    rows = sweep.summarize(out, [])
    assert [(r["codec"], r["setting"]) for r in rows] == [("jpeg", "0.5"), ("jpeg", "1"), ("odic:0", "1"), ("odic:0", "2")]
    assert all(r["images"] == 2 and r["bpp"] > 0 for r in rows)
    assert (out / sweep.SUMMARY).read_text().startswith("codec,setting,images,bpp,psnr,msssim")


def test_bench_reports_the_compressai_ratio(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    Image.fromarray(random_image(64, 96)).save(tmp_path / "a.png")
    r = run_cli("bench", "--images", str(tmp_path), "--codecs", "jpeg", "--quality", "1")
    assert r.returncode == 0, r.stderr.decode()
    assert "odic / CompressAI: encode ×" in r.stdout.decode()
