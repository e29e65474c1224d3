"""How close `odic encode --bpp X` lands to X: one row per (α, target) from run.sh's JSON lines.

An image whose file at the highest quality is still below X cannot land nearer; it is counted
apart ("at the top") rather than as a miss.

    python experiments/rate/target.py runs/rate/a*.jsonl > experiments/rate/target.md
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from odic import api
from odic.codec import zoo


def main(paths: list[Path]) -> None:
    print("| α | target bpp | images | min bpp | mean bpp | max bpp | worst shortfall | within 3 % | at the top quality "
          "| over target |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in sorted(paths, key=lambda p: [float(v) for v in re.findall(r"\d+(?:\.\d+)?", p.name)]):
        alpha, target = (float(v) for v in re.fullmatch(r"a([\d.]+)-([\d.]+)\.jsonl", path.name).groups())  # type: ignore[union-attr]
        top = max(c.quality for c in zoo.available() if c.alpha == alpha)
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        done = [(r["bpp"], api.info(Path(r["output"]).read_bytes()).quality) for r in rows if r["ok"]]
        capped = [b for b, q in done if q == top and b < 0.97 * target]
        bpps = [b for b, _ in done]
        aimed = [b for b, q in done if not (q == top and b < 0.97 * target)]
        shortfall = max(((target - b) / target for b in aimed), default=0.0)
        within = sum(abs(b - target) <= 0.03 * target for b in aimed)
        print(f"| {alpha:g} | {target:g} | {len(done)}/{len(rows)} | {min(bpps):.4f} | {sum(bpps) / len(bpps):.4f} | "
              f"{max(bpps):.4f} | {100 * shortfall:.2f} % | {within}/{len(aimed)} | {len(capped)} | "
              f"{sum(b > target for b in bpps)} |")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]])
