#!/usr/bin/env bash
# The α trade-off at one mid rate. Every α ∈ {0, 0.25, 0.5, 0.75, 1} is an equal fine-tune of the
# shipped α = 0.5 network (the middle, so that α = 0 and α = 1 move away from one start in opposite
# directions) at two rates, quality 2 (half size, λ 3.3) and quality 3 (λ 8.73): 600 steps of
# 8 × 256² crops of ../shared/data/train, the observer (Lite0) looking through the classifier's
# resize, MS-SSIM anchor 0.25 in the machine term. Two rates per network let the table read every
# α at exactly the same bpp (interpolated linearly in bpp), since one λ gives each α its own rate.
# Runs from a clean checkout: trains into $RUNS/tradeoff5_a* (resumable; a finished run returns at
# once), exports beside each other in $RUNS/tradeoff5-weights (not shipped), measures on Kodak
# (human) and on all 500 imagenet-1000 images (four held-out observers), tabulates and plots here.
set -euo pipefail
RUNS=${RUNS:-runs}
WEIGHTS="$RUNS/tradeoff5-weights"
ALPHAS=(0 0.25 0.5 0.75 1)
OBS=../shared/observers
OBSERVERS=lite2,tflite:$OBS/mobilenet_v2_1.0_224_quant.tflite,tflite:$OBS/mobilenet_v1_0.5_160_quant.tflite,onnx:$OBS/mobilenetv2-12-int8.onnx
mkdir -p "$WEIGHTS"
# The shipped α = 0.5 network trained quality 2 at half size on its own level: its file is the start.
INIT=$(python -c "from odic.codec import zoo; print(zoo.find(0.5, 2).path)")
for a in "${ALPHAS[@]}"; do
  run="$RUNS/tradeoff5_a$a"
  odic lab train --out "$run" --data ../shared/data/train --arch gained-checkerboard-hyperprior --N 128 --M 192 \
    --crop 256 --batch 8 --lr 1e-4 --warmup 25 --steps 600 --threads 2 --quantize mixed \
    --lambda 3.3 --quality 2 --lambda 8.73 --quality 3 --half-size 2 \
    --alpha "$a" --feature-scale 0.143 --view-scale 0.6 --anchor 0.25 --init-from "$INIT"
  [ -f "$WEIGHTS/tradeoff-a$a.pt" ] || odic lab export "$run/last.ckpt" --weights-dir "$WEIGHTS" --name "tradeoff-a$a"
done
CODECS=$(printf 'odic:%s,' "${ALPHAS[@]}")
export ODIC_WEIGHTS="$WEIGHTS"
odic lab sweep --images ../shared/data/kodak --codecs "${CODECS%,}" --out "$RUNS/sweep-tradeoff5-kodak" --workers "${WORKERS:-2}"
odic lab sweep --images ../shared/data/imagenet-1000 --labels ../shared/data/imagenet-1000/labels.csv \
  --codecs "${CODECS%,}" --judges "$OBSERVERS" --out "$RUNS/sweep-tradeoff5-imagenet" --workers "${WORKERS:-2}"
python experiments/tradeoff/table.py "$RUNS/sweep-tradeoff5-kodak" "$RUNS/sweep-tradeoff5-imagenet" experiments/tradeoff
