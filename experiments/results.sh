#!/usr/bin/env bash
# Regenerates every committed result and docs/results.md, from the repository root:
#   bash experiments/results.sh
# Sweeps cache per image × codec × setting in $RUNS (default runs/, git-ignored), so a rerun after
# an interruption, or after new weights land, computes only what is missing. Needs ../shared.
set -euo pipefail
RUNS=${RUNS:-runs}
OBS=../shared/observers
LITE2=lite2
MNV2=tflite:$OBS/mobilenet_v2_1.0_224_quant.tflite
MNV1=tflite:$OBS/mobilenet_v1_0.5_160_quant.tflite
ONNX=onnx:$OBS/mobilenetv2-12-int8.onnx
IMAGENET=(--images ../shared/data/imagenet-1000 --labels ../shared/data/imagenet-1000/labels.csv)
ODIC=odic:0,odic:0.5,odic:1
WORKERS=${WORKERS:-2}

# New weights for some qualities of one α (e.g. ODIC_ONLY=odic:1 QUALITIES=1,2 bash experiments/results.sh):
# steps a–c measure just those qualities and merge them into the committed summaries (odic lab sweep
# --merge, docs/evaluation.md) instead of recomputing every codec; steps d and e are skipped.
ODIC_ONLY=${ODIC_ONLY:-}
QUALITIES=${QUALITIES:-}
[ -z "$QUALITIES" ] || [ -n "$ODIC_ONLY" ] || { echo "QUALITIES needs ODIC_ONLY (e.g. odic:1)" >&2; exit 2; }
# Which steps run (STEPS="a b c" leaves out the 500-image b2 when an hour is not there for it).
STEPS=${STEPS:-a b b2 c d e}
want() { [[ " $STEPS " == *" $1 "* ]]; }

measure() {  # measure <experiment dir> <run dir> <codecs> <sweep args...>: one sweep, its committed part kept
  local dir=$1 run=$2 codecs=$3
  shift 3
  if [ -n "$QUALITIES" ]; then
    run="$run-${ODIC_ONLY/:/}-q${QUALITIES//,/-}"
    odic lab sweep "$@" --codecs "$ODIC_ONLY" --qualities "$QUALITIES" --merge "$dir" --out "$run" --workers "$WORKERS"
  else
    odic lab sweep "$@" --codecs "$codecs" --out "$run" --workers "$WORKERS"
  fi
  cp "$run"/summary.csv "$run"/bd_rate.json "$run"/*.png "$dir"/
}

# (a) Kodak rate–distortion, every codec at its quality ladder and every shipped odic model.
want a && measure experiments/kodak "$RUNS/sweep-kodak" jpeg,jpeg444,webp,webp-half,avif,jpeg2000,jpegxl,jpegxl-half,heic,$ODIC \
  --images ../shared/data/kodak

# (b) imagenet-1000 rate–accuracy at native resolution, 125 images spread over the 500 (all
# classes' mix), four observers none of which odic was trained with.
want b && measure experiments/imagenet "$RUNS/sweep-imagenet" jpeg,webp,webp-half,avif,jpeg2000,jpegxl,jpegxl-half,heic,$ODIC \
  "${IMAGENET[@]}" --limit 125 --judges $LITE2,$MNV2,$MNV1,$ONNX

# (b2) The machine-observer targets on all 500 images (contains (b)'s 125): only the codecs and
# observers they name (issue 3: JPEG and WebP; issue 22: AVIF).
want b2 && measure experiments/imagenet-500 "$RUNS/sweep-imagenet-500" jpeg,webp,webp-half,avif,odic:0,odic:1 \
  "${IMAGENET[@]}" --judges $LITE2,$MNV2

# (c) The same at the network input (--input-size 224: resize + centre crop, then compress).
want c && measure experiments/imagenet-224 "$RUNS/sweep-imagenet-224" jpeg,webp,$ODIC \
  "${IMAGENET[@]}" --limit 100 --input-size 224 --judges $LITE2,$MNV2

# (d) The α trade-off at one mid rate: trains its five networks from the shipped α = 0.5 one
#     (about 45 min on 2 cores; resumable), then measures them.
[ -n "$QUALITIES" ] || ! want d || bash experiments/tradeoff/run.sh

# (e) Speed, alone on the machine (experiments/bench/README.md).
if [ -z "$QUALITIES" ] && want e; then
  COLUMNS=100 odic lab bench --images ../shared/data/kodak --limit 4 > experiments/bench/bench-bf16.txt
  COLUMNS=100 ODIC_BF16=0 odic lab bench --images ../shared/data/kodak --limit 4 --codecs jpeg > experiments/bench/bench-fp32.txt
fi

odic lab report experiments --only kodak,imagenet,imagenet-500,imagenet-224,tradeoff,bench --out docs/results.md --replot
