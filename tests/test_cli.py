"""The real CLI in subprocesses: round trips, and every bad input as one line + exit 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from odic.codec import bitstream
from tests.conftest import KODAK, random_image, run_cli


def _write_png(path: Path, array: np.ndarray, mode: str | None = None) -> Path:
    Image.fromarray(array, mode).save(path)
    return path


def _assert_one_line_error(result, *needles: str) -> None:
    assert result.returncode == 2, result.stderr.decode()
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("odic: error:"), lines
    assert "Traceback" not in lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.skipif(not KODAK.exists(), reason="../shared/data/kodak not present")
def test_kodak_round_trip_file_size_is_header_plus_payload(tmp_path: Path) -> None:
    source = KODAK / "kodim23.png"
    out = tmp_path / "k.odic"
    r = run_cli("encode", str(source), "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    info = json.loads(run_cli("info", str(out), "--json").stdout)
    assert info["file_bytes"] == out.stat().st_size == info["header_bytes"] + info["payload_bytes"]
    assert info["header_bytes"] <= 32
    assert (info["width"], info["height"]) == (768, 512)
    r = run_cli("decode", str(out), "-o", str(tmp_path / "k.png"))
    assert r.returncode == 0, r.stderr.decode()
    assert Image.open(tmp_path / "k.png").size == Image.open(source).size


def test_directory_in_directory_out_with_summary(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    _write_png(src / "a.png", random_image(30, 40))
    _write_png(src / "sub" / "b.png", random_image(17, 9, channels=1), "L")
    r = run_cli("encode", str(src), "-o", str(tmp_path / "enc"), "--observer", "machine")
    assert r.returncode == 0, r.stderr.decode()
    assert "encoded 2/2 files" in r.stderr.decode()
    assert sorted(p.relative_to(tmp_path / "enc").as_posix() for p in (tmp_path / "enc").rglob("*.odic")) == ["a.odic", "sub/b.odic"]
    assert bitstream.parse((tmp_path / "enc" / "a.odic").read_bytes()).header.alpha == 1.0
    r = run_cli("decode", str(tmp_path / "enc"), "-o", str(tmp_path / "dec"), "--format", "png")
    assert r.returncode == 0, r.stderr.decode()
    assert Image.open(tmp_path / "dec" / "sub" / "b.png").mode == "L"


def test_stdin_to_stdout(tmp_path: Path) -> None:
    png = io.BytesIO()
    Image.fromarray(random_image(21, 13)).save(png, format="PNG")
    enc = run_cli("encode", "-", input=png.getvalue())
    assert enc.returncode == 0, enc.stderr.decode()
    assert enc.stdout.startswith(bitstream.MAGIC)
    dec = run_cli("decode", "-", "-o", "-", input=enc.stdout)
    assert dec.returncode == 0, dec.stderr.decode()
    assert Image.open(io.BytesIO(dec.stdout)).size == (13, 21)


def test_existing_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    src = _write_png(tmp_path / "a.png", random_image(8, 8))
    target = tmp_path / "a.odic"
    target.write_bytes(b"keep me")
    _assert_one_line_error(run_cli("encode", str(src)), "exists", "--force")
    assert target.read_bytes() == b"keep me"
    # --force replaces only an earlier odic output, and this file is not one
    _assert_one_line_error(run_cli("encode", str(src), "--force"), "not an earlier odic output")
    assert target.read_bytes() == b"keep me"
    target.unlink()
    assert run_cli("encode", str(src)).returncode == 0
    earlier = target.read_bytes()
    assert run_cli("encode", str(src), "-q", "1", "--force").returncode == 0
    assert target.read_bytes().startswith(bitstream.MAGIC) and target.read_bytes() != earlier


def test_no_command_loses_a_users_file(tmp_path: Path) -> None:
    photo = _write_png(tmp_path / "photo.png", random_image(24, 24, seed=1))
    original = photo.read_bytes()
    # the output is the input itself, by name or through a link: refused even with --force
    _assert_one_line_error(run_cli("encode", str(photo), "-o", str(photo), "--force"), "is the input")
    (tmp_path / "link.odic").symlink_to(photo)
    _assert_one_line_error(run_cli("encode", str(photo), "-o", str(tmp_path / "link.odic"), "--force"), "is the input")
    assert photo.read_bytes() == original
    # decoding next to the source photo: --force does not replace a photo odic did not write
    assert run_cli("encode", str(photo)).returncode == 0
    _assert_one_line_error(run_cli("decode", str(tmp_path / "photo.odic"), "--force"), "not an earlier odic output")
    assert photo.read_bytes() == original
    # ... but it does replace an image odic decoded earlier
    decoded = tmp_path / "out.png"
    assert run_cli("decode", str(tmp_path / "photo.odic"), "-o", str(decoded)).returncode == 0
    assert run_cli("decode", str(tmp_path / "photo.odic"), "-o", str(decoded), "--force").returncode == 0
    # two inputs, one output name: refused before any work, naming both
    _write_png(tmp_path / "photo.bmp", random_image(24, 24, seed=2))
    r = run_cli("encode", str(tmp_path / "photo.png"), str(tmp_path / "photo.bmp"), "-o", str(tmp_path / "out"))
    _assert_one_line_error(r, "photo.bmp", "photo.png", "both")
    assert not (tmp_path / "out").exists()


def _encoded(tmp_path: Path) -> bytes:
    src = _write_png(tmp_path / "ok.png", random_image(40, 40))
    assert run_cli("encode", str(src), "-o", str(tmp_path / "ok.odic")).returncode == 0
    return (tmp_path / "ok.odic").read_bytes()


def _bad_odic_files(tmp_path: Path) -> dict[str, tuple[bytes, str]]:
    good = _encoded(tmp_path)
    newer = bytearray(good)
    newer[4] = bitstream.FORMAT_VERSION + 1
    unknown = bytearray(good)
    unknown[5:9] = b"\xde\xad\xbe\xef"
    corrupt = bytearray(good)
    corrupt[-3] ^= 0xFF
    return {
        "magic": (b"GIF89a" + good[6:], "not an .odic file"),
        "version": (bytes(newer), "newer"),
        "model": (bytes(unknown), "model"),  # the CRC covers the id too: either message names the problem
        "truncated": (good[:-5], "truncated"),
        "corrupt": (bytes(corrupt), "CRC32"),
        "empty": (b"", "not an .odic file"),
    }


def test_every_bad_odic_file_is_one_line_exit_2_and_leaves_no_output(tmp_path: Path) -> None:
    for name, (data, needle) in _bad_odic_files(tmp_path).items():
        path = tmp_path / f"{name}.odic"
        path.write_bytes(data)
        out = tmp_path / f"{name}.png"
        _assert_one_line_error(run_cli("decode", str(path), "-o", str(out)), str(path), needle)
        assert not out.exists()
        assert not list(tmp_path.glob(f".{name}.png.*")), "temporary file left behind"


def test_unknown_model_id_with_valid_crc(tmp_path: Path) -> None:
    parsed = bitstream.parse(_encoded(tmp_path))
    header = parsed.header.__class__(**{**parsed.header.__dict__, "model_id": b"\xde\xad\xbe\xef"})
    path = tmp_path / "unknown.odic"
    path.write_bytes(bitstream.serialize(header, parsed.z_string, parsed.y_string))
    _assert_one_line_error(run_cli("decode", str(path)), "unknown model id deadbeef")


def test_bad_image_inputs(tmp_path: Path) -> None:
    rgba = _write_png(tmp_path / "rgba.png", random_image(10, 10, channels=4), "RGBA")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    full = io.BytesIO()
    Image.fromarray(random_image(64, 64)).save(full, format="PNG")
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(full.getvalue()[:200])
    big = _write_png(tmp_path / "big.png", random_image(50, 50))
    cases = [
        (["encode", str(rgba)], "alpha"),
        (["encode", str(text)], "not an image"),
        (["encode", str(truncated)], "truncated"),
        (["encode", str(big), "--max-pixels", "2000"], "limit"),
        (["encode", str(tmp_path / "missing.png")], "no such file"),
    ]
    for args, needle in cases:
        r = run_cli(*args)
        _assert_one_line_error(r, args[1], needle)
        assert not list(tmp_path.glob("*.odic")), args
    ok = run_cli("encode", str(rgba), "--drop-alpha")
    assert ok.returncode == 0 and (tmp_path / "rgba.odic").exists()


def test_sixteen_bit_palette_and_cmyk_inputs_convert(tmp_path: Path) -> None:
    wide = tmp_path / "wide.png"
    Image.fromarray(random_image(12, 12, channels=1).astype(np.uint16) * 257).save(wide)
    r = run_cli("encode", str(wide))
    assert r.returncode == 0
    assert "odic: warning:" in r.stderr.decode() and "8 bits" in r.stderr.decode()
    pal = tmp_path / "pal.png"
    Image.fromarray(random_image(12, 12)).convert("P").save(pal)
    cmyk = tmp_path / "cmyk.jpg"
    Image.fromarray(random_image(12, 12)).convert("CMYK").save(cmyk)
    r = run_cli("encode", str(pal), str(cmyk), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr.decode()
    assert (tmp_path / "out" / "pal.odic").exists() and (tmp_path / "out" / "cmyk.odic").exists()


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good = _write_png(tmp_path / "good.png", random_image(10, 10))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    r = run_cli("encode", str(bad), str(good), "-o", str(tmp_path / "out"))
    assert r.returncode == 2
    assert (tmp_path / "out" / "good.odic").exists()
    assert "encoded 1/2 files" in r.stderr.decode()


def test_json_verbose_and_quiet_report_each_file(tmp_path: Path) -> None:
    good = _write_png(tmp_path / "good.png", random_image(16, 24))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    r = run_cli("encode", str(good), str(bad), "-o", str(tmp_path / "out"), "--json", "--threads", "1")
    assert r.returncode == 2
    records = {Path(rec["input"]).name: rec for rec in map(json.loads, r.stdout.decode().splitlines())}
    assert records["good.png"]["ok"] and records["good.png"]["bytes_out"] == (tmp_path / "out" / "good.odic").stat().st_size
    assert records["good.png"]["bpp"] == pytest.approx(8 * records["good.png"]["bytes_out"] / (16 * 24), abs=1e-4)
    assert not records["bad.png"]["ok"] and records["bad.png"]["error"]
    r = run_cli("decode", str(tmp_path / "out" / "good.odic"), "-o", str(tmp_path / "decoded.png"), "-v")
    assert r.returncode == 0 and "bpp" in r.stderr.decode() and str(tmp_path / "decoded.png") in r.stderr.decode()
    _assert_one_line_error(run_cli("encode", str(good), str(bad), "-o", str(tmp_path / "quiet"), "--quiet"), str(bad))
    _assert_one_line_error(run_cli("encode", str(good), "-o", "-", "--json"), "--json")


def test_usage_errors(tmp_path: Path) -> None:
    _assert_one_line_error(run_cli("encode", "x.png", "--observer", "cat"), "unknown observer")
    _assert_one_line_error(run_cli("encode", "x.png", "--alpha", "0.25"), "no model for alpha=0.25")
    _assert_one_line_error(run_cli("decode", "x.odic", "--format", "gifx"), "unknown --format")


def test_models_and_help() -> None:
    listing = json.loads(run_cli("models", "--json").stdout)
    assert {(m["alpha"], m["quality"]) for m in listing} >= {(0.0, 1), (1.0, 1)}
    help_text = run_cli("encode", "--help").stdout.decode()
    assert "--observer" in help_text and "machine" in help_text
    commands = run_cli("--help").stdout.decode().split("Commands:")[1]
    listed = {line.split()[0] for line in commands.splitlines() if line.startswith("  ") and line.split()}
    assert listed == {"encode", "decode", "info", "models", "demo", "enhance", "compare", "compress-dataset", "lab"}
    lab_commands = run_cli("lab", "--help").stdout.decode()
    assert all(name in lab_commands for name in ("train", "export", "sweep", "report", "bench", "robustness"))
    from importlib.metadata import version

    assert run_cli("--version").stdout.decode().strip() == f"odic {version('odic')}"


def test_no_weights_installed_says_so(tmp_path: Path) -> None:
    src = _write_png(tmp_path / "a.png", random_image(8, 8))
    r = run_cli("encode", str(src), env={"ODIC_WEIGHTS": str(tmp_path / "none")})
    _assert_one_line_error(r, "no odic weights are installed")


def test_demo_runs_offline(tmp_path: Path) -> None:
    r = run_cli("demo", "-o", str(tmp_path / "demo.png"))
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert "astronaut" in out and "machine" in out and "human" in out
    assert Image.open(tmp_path / "demo.png").height == 3 * 256


def test_an_input_above_max_bytes_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = _write_png(tmp_path / "big.png", random_image(32, 32))
    small = _write_png(tmp_path / "small.png", random_image(4, 4))
    r = run_cli("encode", str(big), str(small), "--max-bytes", str(small.stat().st_size), "-o", str(tmp_path / "out"))
    assert r.returncode == 2
    assert "big.png: file is larger than the" in r.stderr.decode()
    assert (tmp_path / "out" / "small.odic").exists() and not (tmp_path / "out" / "big.odic").exists()
