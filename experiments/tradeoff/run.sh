#!/usr/bin/env bash
# The α trade-off at one mid rate (quality 3, λ = 8.73): five networks fine-tuned the same way
# (250 steps from the α = 0 variable-rate network, runs/tradeoff_a*; experiments/train/queue.sh),
# exported beside each other in $RUNS/tradeoff-weights (not shipped), measured on Kodak (human) and
# imagenet-1000 (held-out observers), then tabulated and plotted here.
set -euo pipefail
RUNS=${RUNS:-runs}
WEIGHTS="$RUNS/tradeoff-weights"
ALPHAS=(0 0.25 0.5 0.75 1)
mkdir -p "$WEIGHTS"
for a in "${ALPHAS[@]}"; do
  [ -f "$WEIGHTS/tradeoff-a$a.pt" ] || odic export "$RUNS/tradeoff_a$a/last.ckpt" --weights-dir "$WEIGHTS" --name "tradeoff-a$a"
done
CODECS=$(printf 'odic:%s,' "${ALPHAS[@]}")
export ODIC_WEIGHTS="$WEIGHTS"
odic sweep --images ../shared/data/kodak --codecs "${CODECS%,}" --out "$RUNS/sweep-tradeoff-kodak" --workers "${WORKERS:-2}"
odic sweep --images ../shared/data/imagenet-1000 --labels ../shared/data/imagenet-1000/labels.csv --limit 125 \
  --codecs "${CODECS%,}" --observers lite2,tflite:../shared/observers/mobilenet_v2_1.0_224_quant.tflite \
  --out "$RUNS/sweep-tradeoff-imagenet" --workers "${WORKERS:-2}"
python experiments/tradeoff/table.py "$RUNS/sweep-tradeoff-kodak" "$RUNS/sweep-tradeoff-imagenet" experiments/tradeoff
