"""The context's share of decoding time, measured inside one decoder.

    python experiments/context/share.py ../shared/data/kodak [--limit 8] [--repeats 5] [--alpha 0 --quality 5]

``odic lab bench`` compares two networks run after each other, and moves ±20 % from run to run
on a shared machine; here every decode times its own context (``CheckerboardLatent._params``,
the float64 masked convolution and entropy-parameters network) against its own total, so load
from elsewhere falls on both alike. Without the context a decoder would spend the rest, so the
context multiplies decoding time by total / (total − context). The issue's bar is 1.3×.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from odic.codec import zoo
from odic.codec.image import load_image
from odic.codec.latent import CheckerboardLatent
from odic.data.files import find_images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("images", type=Path)
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--alpha", type=float, default=0.0)
    parser.add_argument("--quality", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    codec = zoo.load(zoo.find(args.alpha, args.quality))
    latent = codec.latent
    if not isinstance(latent, CheckerboardLatent):
        raise SystemExit(f"α = {args.alpha:g} q{args.quality:g} has no context")

    spent = 0.0
    params = latent._params

    def timed(*a: torch.Tensor) -> tuple:
        nonlocal spent
        start = time.perf_counter()
        result = params(*a)
        spent += time.perf_counter() - start
        return result

    latent._params = timed  # type: ignore[method-assign]  # an instance attribute shadows the method
    files = [codec.encode_image(load_image(p)).data for p in find_images(args.images)[: args.limit]]
    codec.decode(files[0])  # warm-up
    ratios = []
    for _ in range(args.repeats):
        for data in files:
            spent, start = 0.0, time.perf_counter()
            codec.decode(data)
            total = time.perf_counter() - start
            ratios.append(total / (total - spent))
    print(f"α = {args.alpha:g} q{args.quality:g}, {len(files)} images × {args.repeats}, {args.threads} threads: "
          f"decode time with the context / without: median {statistics.median(ratios):.3f}× "
          f"(quartiles {statistics.quantiles(ratios)[0]:.3f}–{statistics.quantiles(ratios)[2]:.3f})")


if __name__ == "__main__":
    main()
