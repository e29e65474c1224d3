#!/usr/bin/env bash
# Continuous quality and target sizes, measured on Kodak (nothing here is tuned on Kodak: the
# one constant, zoo.GAP_REACH, comes from held-back training photos, gap.py → gap.txt).
#
#   bash experiments/rate/run.sh        # ≈ 15 min on 2 cores
set -euo pipefail
cd "$(dirname "$0")/../.."
KODAK=../shared/data/kodak
OUT=${OUT:-runs/rate}
mkdir -p "$OUT"
# 1. Every Kodak image at each target bpp through the CLI, for each observer preset.
for alpha in 0 0.5 1; do
  for bpp in 0.1 0.25 0.5 1.0; do
    odic encode "$KODAK" --alpha "$alpha" --bpp "$bpp" -o "$OUT/a$alpha-$bpp" --force --quiet --json \
      > "$OUT/a$alpha-$bpp.jsonl"
  done
done
python experiments/rate/target.py "$OUT"/a*.jsonl > experiments/rate/target.md
# 2. Qualities between the shipped ones against the straight lines between shipped points.
odic lab sweep --images "$KODAK" --codecs odic:0,odic:1 --qualities 1,1.5,2,2.25,2.5,2.75,3,4,5,6,7,7.5,8 \
  --out "$OUT/sweep" --workers 2
python experiments/rate/chord.py "$OUT/sweep/summary.csv" > experiments/rate/chord.md
