"""The sweep: records per image × codec × setting, resumable, summarised in a fixed order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from odic.errors import OdicError
from odic.eval import sweep
from odic.eval.accuracy import Labelled
from tests.conftest import TEST_MODELS, random_image


def _labelled_images(folder: Path) -> list[Labelled]:
    items = []
    for i in range(2):
        path = folder / f"img{i}.png"
        Image.fromarray(random_image(48, 64, seed=i)).save(path)
        items.append(Labelled(path, 7))
    return items


def test_sweep_resumes_and_summarises(tmp_path: Path) -> None:
    items = _labelled_images(tmp_path)
    jobs = sweep.plan(items, ["jpeg", "odic:0"], rates=[0.5, 1.0])
    assert len(jobs) == 2 * 2 + 2 * 2  # two target rates for jpeg and for odic α = 0 (its nearest quality)
    every = [f"q{quality}" for alpha, quality, _ in TEST_MODELS if alpha == 0]
    assert [j.setting_name for j in sweep.plan(items[:1], ["odic:0"])] == every  # no rates: every quality
    out = tmp_path / "out"
    sweep.run(jobs[:3], [], out, progress=False)
    with open(out / sweep.RECORDS, "a") as f:
        f.write('{"image": "cut')  # a line cut by a kill
    sweep.run(jobs, [], out, progress=False)
    records = [json.loads(line) for line in (out / sweep.RECORDS).read_text().splitlines()]
    assert len(records) == len(jobs) and len({(r["image"], r["codec"], r["setting"]) for r in records}) == len(jobs)
    assert sweep.summarize(out, [], jobs[:1])[0]["images"] == 1  # only the records of the jobs asked for
    rows = sweep.summarize(out, [])
    assert sorted((r["codec"], r["setting"]) for r in rows) == [("jpeg", "0.5"), ("jpeg", "1"), ("odic:0", "0.5"), ("odic:0", "1")]
    assert [r["codec"] for r in rows] == ["jpeg", "jpeg", "odic:0", "odic:0"]
    for codec in ("jpeg", "odic:0"):  # each codec's rows run from low to high rate
        bpps = [r["bpp"] for r in rows if r["codec"] == codec]
        assert bpps == sorted(bpps)
    assert all(r["images"] == 2 and r["bpp"] > 0 for r in rows)
    assert (out / sweep.SUMMARY).read_text().startswith("codec,setting,images,bpp,psnr,msssim")


def test_bench_reports_the_compressai_ratio(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    Image.fromarray(random_image(64, 96)).save(tmp_path / "a.png")
    r = run_cli("lab", "bench", "--images", str(tmp_path), "--codecs", "jpeg", "--quality", "1")
    assert r.returncode == 0, r.stderr.decode()
    assert "odic / CompressAI: encode ×" in r.stdout.decode()


def test_quality_ladder_is_one_encode_at_each_setting(tmp_path: Path) -> None:
    from odic.baselines import get_codec

    path = tmp_path / "a.png"
    Image.fromarray(random_image(40, 56)).save(path)
    jobs = sweep.plan([Labelled(path, None)], ["webp"])
    ladder = get_codec("webp").ladder
    assert [j.setting_name for j in jobs] == [f"q{q:g}" for q in ladder]
    record = sweep.evaluate(jobs[0], [])
    expected = len(get_codec("webp").encode(Image.open(path), ladder[0]))
    assert record["bytes"] == expected and record["bpp"] == 8 * expected / (40 * 56)


def test_input_size_protocol_compresses_the_centre_crop(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    rgb = random_image(60, 200).copy()
    rgb[:, 90:110] = 255  # a white band in the middle survives the centre crop
    Image.fromarray(rgb).save(path)
    crop = sweep.network_input(rgb, 32)
    assert crop.shape == (32, 32, 3) and crop[:, 14:18].min() > 200
    record = sweep.evaluate(sweep.plan([Labelled(path, None)], ["jpeg"], [1.0], input_size=32)[0], [])
    assert (record["height"], record["width"]) == (32, 32)


def test_bd_table_skips_a_setting_whose_mean_psnr_is_infinite() -> None:
    """One image decoded identically makes a setting's mean PSNR inf; the curve drops that point."""
    ladder = [(0.2, 25.0, 0.90), (0.4, 28.0, 0.95), (0.8, 31.0, 0.97), (1.6, 34.0, 0.98)]
    rows = [{"codec": "ref", "bpp": b, "psnr": p, "msssim": m} for b, p, m in ladder]
    rows += [{"codec": "ref", "bpp": 3.2, "psnr": float("inf"), "msssim": 0.99}]
    rows += [{"codec": "test", "bpp": b * 0.9, "psnr": p, "msssim": m} for b, p, m in ladder]
    (entry,) = sweep.bd_table(rows, "ref", ["psnr", "msssim"])
    assert -11 < entry["psnr"] < -9 and entry["msssim"] < 0


def test_merge_replaces_only_the_rows_this_sweep_measured(tmp_path: Path) -> None:
    """New weights for one quality: measure that quality alone and keep the rest of the published summary."""
    items = _labelled_images(tmp_path)
    earlier = tmp_path / "earlier"
    sweep.run(sweep.plan(items, ["jpeg", "odic:0"]), [], earlier, progress=False)
    published = sweep.summarize(earlier, [])
    stale = [dict(r, psnr=0.0) if (r["codec"], r["setting"]) == ("odic:0", "q2") else r for r in published]
    sweep.write_summary(earlier / sweep.SUMMARY, stale)
    jobs = sweep.plan(items, ["odic:0"], qualities=[2])
    assert {j.setting_name for j in jobs} == {"q2"}
    sweep.run(jobs, [], tmp_path / "new", progress=False)
    merged = sweep.merge(sweep.summarize(tmp_path / "new", [], jobs), earlier / sweep.SUMMARY)
    assert [(r["codec"], r["setting"]) for r in merged] == [(r["codec"], r["setting"]) for r in published]
    assert [r["psnr"] for r in merged] == pytest.approx([r["psnr"] for r in published])  # q2 measured again, the rest read back
    one = sweep.plan(items[:1], ["odic:0"], qualities=[2])
    sweep.run(one, [], tmp_path / "one", progress=False)
    with pytest.raises(OdicError, match="not the same images"):
        sweep.merge(sweep.summarize(tmp_path / "one", [], one), earlier / sweep.SUMMARY)
    with pytest.raises(OdicError, match="quality=9"):
        sweep.plan(items, ["odic:0"], qualities=[9])
