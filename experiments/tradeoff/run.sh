#!/usr/bin/env bash
# The α trade-off at one mid rate (quality 3). Every α ∈ {0, 0.25, 0.5, 0.75, 1} is an equal
# fine-tune of the shipped α = 0 network at that rate alone (400 steps of 8 × 192², one λ = 8.73,
# the observer looking through the classifier's resize, MS-SSIM anchor 0.25; runs/tradeoff4_a*,
# experiments/train/queue.sh step 12). All five are exported beside each other in
# $RUNS/tradeoff4-weights (not shipped), measured on Kodak (human) and on all 500 imagenet-1000
# images (held-out observers), then tabulated and plotted here.
set -euo pipefail
RUNS=${RUNS:-runs}
WEIGHTS="$RUNS/tradeoff4-weights"
ALPHAS=(0 0.25 0.5 0.75 1)
mkdir -p "$WEIGHTS"
for a in "${ALPHAS[@]}"; do
  run="$RUNS/tradeoff4_a$a"
  [ -f "$WEIGHTS/tradeoff-a$a.pt" ] || odic export "$run/last.ckpt" --quality 3 --weights-dir "$WEIGHTS" --name "tradeoff-a$a"
done
CODECS=$(printf 'odic:%s,' "${ALPHAS[@]}")
export ODIC_WEIGHTS="$WEIGHTS"
odic sweep --images ../shared/data/kodak --codecs "${CODECS%,}" --out "$RUNS/sweep-tradeoff4-kodak" --workers "${WORKERS:-2}"
odic sweep --images ../shared/data/imagenet-1000 --labels ../shared/data/imagenet-1000/labels.csv \
  --codecs "${CODECS%,}" --observers lite2,tflite:../shared/observers/mobilenet_v2_1.0_224_quant.tflite \
  --out "$RUNS/sweep-tradeoff4-imagenet" --workers "${WORKERS:-2}"
python experiments/tradeoff/table.py "$RUNS/sweep-tradeoff4-kodak" "$RUNS/sweep-tradeoff4-imagenet" experiments/tradeoff
