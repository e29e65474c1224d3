#!/usr/bin/env bash
# The α trade-off at one mid rate (quality 3): five networks fine-tuned the same way (250 steps
# from the α = 0 variable-rate network with the MS-SSIM anchor 0.25 and λ raised with α so that
# the rates meet; runs/tradeoff2_a*, experiments/train/queue.sh step 9), exported beside each other
# in $RUNS/tradeoff2-weights (not shipped), measured on Kodak (human) and on all 500 imagenet-1000
# images (held-out observers), then tabulated and plotted here.
set -euo pipefail
RUNS=${RUNS:-runs}
WEIGHTS="$RUNS/tradeoff2-weights"
ALPHAS=(0 0.25 0.5 0.75 1)
mkdir -p "$WEIGHTS"
for a in "${ALPHAS[@]}"; do
  [ -f "$WEIGHTS/tradeoff-a$a.pt" ] || odic export "$RUNS/tradeoff2_a$a/last.ckpt" --weights-dir "$WEIGHTS" --name "tradeoff-a$a"
done
CODECS=$(printf 'odic:%s,' "${ALPHAS[@]}")
export ODIC_WEIGHTS="$WEIGHTS"
odic sweep --images ../shared/data/kodak --codecs "${CODECS%,}" --out "$RUNS/sweep-tradeoff2-kodak" --workers "${WORKERS:-2}"
odic sweep --images ../shared/data/imagenet-1000 --labels ../shared/data/imagenet-1000/labels.csv \
  --codecs "${CODECS%,}" --observers lite2,tflite:../shared/observers/mobilenet_v2_1.0_224_quant.tflite \
  --out "$RUNS/sweep-tradeoff2-imagenet" --workers "${WORKERS:-2}"
python experiments/tradeoff/table.py "$RUNS/sweep-tradeoff2-kodak" "$RUNS/sweep-tradeoff2-imagenet" experiments/tradeoff
