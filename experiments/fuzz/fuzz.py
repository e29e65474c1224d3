"""The long fuzz of the entropy decoder: millions of hostile strings against a shipped network's tables.

    python experiments/fuzz/fuzz.py --cases 1000000 --corpus runs/fuzz-corpus > experiments/fuzz/fuzz-1m.txt
    PYTHONMALLOC=malloc valgrind python experiments/fuzz/fuzz.py --replay runs/fuzz-corpus

The strings reach ``odic.codec.rans.decode`` directly, which is what a crafted file with a valid
CRC reaches (everything before it is pure Python and length-checked). Each case must end in
symbols or ``CorruptDataError``; any other outcome, or a case slower than 10 s, is reported.
Cases are structure-aware: random bytes, long runs of one byte (the 0xFF runs that crashed
CompressAI's decoder), valid strings cut, extended, bit-flipped or followed by 0xFF runs.
``--corpus`` keeps every 500th case and the tables, so the replay under Valgrind covers each kind;
the replay loads the compiled decoder alone (no torch), which keeps Valgrind's run short.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

KINDS = ("random", "run", "cut", "extend", "flip", "ff-tail")


def targets() -> list[tuple]:
    """(tables, indexes, a valid string) for the shipped α = 0 network at its lowest and highest
    quality: the latents of noise coded with the hyperprior's Gaussian (the one-pass string)."""
    import torch

    import odic
    from odic.codec import rans, zoo
    from odic.codec.codec import pixels_tensor

    os.environ["ODIC_WEIGHTS"] = str(zoo.DEFAULT_DIR)
    out = []
    for quality in (1, 8):
        codec = odic.load_codec(alpha=0.0, quality=quality)
        image = np.random.default_rng(quality).integers(0, 256, (64, 96, 3), dtype=np.uint8)
        with torch.inference_mode():
            y = codec.model.rate_gain.scale(codec.analyse(pixels_tensor(image)), codec.level)
            z = codec.model.h_a(codec.arch.hyper_input(y))
            medians = rans.medians(codec.model.entropy_bottleneck)
            scales, means = codec.arch.split_params(codec._hyper(rans.values_of(rans.symbols_of(z, medians), medians)))
        indexes = rans.scale_indexes(scales, codec.model.gaussian_conditional)
        string = rans.encode(rans.symbols_of(y, means)[0], indexes[0], codec.latent.tables)
        out.append((codec.latent.tables, indexes, string))
    return out


def case(rng: random.Random, valid: bytes) -> tuple[str, bytes]:
    kind = rng.choice(KINDS)
    if kind == "random":
        return kind, rng.randbytes(rng.randrange(0, 4096))
    if kind == "run":
        return kind, bytes([rng.choice([0x00, 0xFF, 0x0F, 0xF0, 0x80, rng.randrange(256)])]) * rng.randrange(0, 200_000)
    if kind == "cut":
        return kind, valid[: rng.randrange(0, len(valid))]
    if kind == "extend":
        return kind, valid + rng.randbytes(rng.randrange(1, 4096))
    if kind == "flip":
        edited = bytearray(valid)
        for _ in range(rng.randrange(1, 9)):
            edited[rng.randrange(len(edited))] ^= rng.randrange(1, 256)
        return kind, bytes(edited)
    return kind, valid[: rng.randrange(8, len(valid))] + b"\xff" * rng.randrange(1, 200_000)


def fuzz(cases: int, seed: int, corpus: Path | None) -> None:
    from odic.codec import rans
    from odic.errors import CorruptDataError

    rng = random.Random(seed)
    setups = targets()
    outcomes: Counter[tuple[str, str]] = Counter()
    slowest, start = 0.0, time.perf_counter()
    if corpus:
        corpus.mkdir(parents=True, exist_ok=True)
        for which, (tables, indexes, _) in enumerate(setups):
            np.savez(corpus / f"tables-{which}.npz", cdfs=tables.cdfs, sizes=tables.sizes, offsets=tables.offsets,
                     indexes=indexes.int().numpy())
    for i in range(cases):
        which = rng.randrange(len(setups))
        tables, indexes, valid = setups[which]
        kind, string = case(rng, valid)
        t = time.perf_counter()
        try:
            rans.decode(string, indexes, tables)
            outcome = "symbols"
        except CorruptDataError:
            outcome = "CorruptDataError"
        except Exception as e:  # noqa: BLE001 — any other outcome is the finding
            outcome = f"UNEXPECTED {type(e).__name__}: {e}"
        slowest = max(slowest, time.perf_counter() - t)
        outcomes[kind, outcome] += 1
        if corpus and i % 500 == 0:
            (corpus / f"{i:08d}-{which}-{kind}.bin").write_bytes(string)
    wall = time.perf_counter() - start
    print(f"# {cases:,} cases, seed {seed}, {wall:.0f} s, slowest case {slowest * 1000:.1f} ms")
    print(f"{'kind':10s} {'outcome':30s} {'cases':>10s}")
    for (kind, outcome), count in sorted(outcomes.items()):
        print(f"{kind:10s} {outcome:30s} {count:10,d}")
    unexpected = sum(c for (_, o), c in outcomes.items() if o.startswith("UNEXPECTED"))
    print(f"# unexpected outcomes: {unexpected}; cases over 10 s: {int(slowest > 10)}")
    sys.exit(1 if unexpected or slowest > 10 else 0)


def replay(corpus: Path) -> None:
    """Decode the kept cases with the compiled decoder loaded on its own (odic's package needs torch)."""
    import importlib.util

    (library,) = (Path(__file__).resolve().parents[2] / "odic" / "codec").glob("_rans*.so")
    spec = importlib.util.spec_from_file_location("odic.codec._rans", library)
    assert spec is not None and spec.loader is not None
    decoder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(decoder)
    setups = [np.load(path) for path in sorted(corpus.glob("tables-*.npz"))]
    files = sorted(corpus.glob("*.bin"))
    outcomes: Counter[str] = Counter()
    for path in files:
        t = setups[int(path.name.split("-")[1])]
        try:
            decoder.decode(path.read_bytes(), t["indexes"], t["cdfs"], t["cdfs"].shape[1], t["sizes"], t["offsets"])
            outcomes["symbols"] += 1
        except ValueError:
            outcomes["ValueError (CorruptDataError in odic)"] += 1
    print(f"replayed {len(files)} cases: {dict(outcomes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, help="Keep every 500th case here (for --replay under Valgrind).")
    parser.add_argument("--replay", type=Path, help="Decode the cases kept in this folder and stop.")
    args = parser.parse_args()
    if args.replay:
        replay(args.replay)
    else:
        fuzz(args.cases, args.seed, args.corpus)


if __name__ == "__main__":
    main()
