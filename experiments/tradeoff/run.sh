#!/usr/bin/env bash
# The α trade-off at one mid rate (quality 3). α = 0 is the α = 0 ladder network $RUNS/a0_gpu at
# its quality 3; α = 0.25 … 1 are fine-tuned from it at that rate alone (1,100 steps of 32 × 256²
# on a lent GPU, MS-SSIM anchor 0.25, λ raised with α so that the rates meet; runs/tradeoff3_a*,
# experiments/train/README.md §6). All five are exported beside each other in
# $RUNS/tradeoff3-weights (not shipped), measured on Kodak (human) and on all 500 imagenet-1000
# images (held-out observers), then tabulated and plotted here.
set -euo pipefail
RUNS=${RUNS:-runs}
WEIGHTS="$RUNS/tradeoff3-weights"
ALPHAS=(0 0.25 0.5 0.75 1)
mkdir -p "$WEIGHTS"
for a in "${ALPHAS[@]}"; do
  run="$RUNS/tradeoff3_a$a"; [ "$a" = 0 ] && run="$RUNS/a0_gpu"
  [ -f "$WEIGHTS/tradeoff-a$a.pt" ] || odic export "$run/last.ckpt" --quality 3 --weights-dir "$WEIGHTS" --name "tradeoff-a$a"
done
CODECS=$(printf 'odic:%s,' "${ALPHAS[@]}")
export ODIC_WEIGHTS="$WEIGHTS"
odic sweep --images ../shared/data/kodak --codecs "${CODECS%,}" --out "$RUNS/sweep-tradeoff3-kodak" --workers "${WORKERS:-2}"
odic sweep --images ../shared/data/imagenet-1000 --labels ../shared/data/imagenet-1000/labels.csv \
  --codecs "${CODECS%,}" --observers lite2,tflite:../shared/observers/mobilenet_v2_1.0_224_quant.tflite \
  --out "$RUNS/sweep-tradeoff3-imagenet" --workers "${WORKERS:-2}"
python experiments/tradeoff/table.py "$RUNS/sweep-tradeoff3-kodak" "$RUNS/sweep-tradeoff3-imagenet" experiments/tradeoff
