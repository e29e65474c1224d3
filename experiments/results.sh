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

keep() {  # keep <run dir> <experiment dir>: the committed part of a sweep
  cp "$1"/summary.csv "$1"/bd_rate.json "$1"/*.png "$2"/
}

# (a) Kodak rate–distortion, every codec at its quality ladder and every shipped odic model.
odic sweep --images ../shared/data/kodak --codecs jpeg,jpeg444,webp,webp-half,avif,jpeg2000,jpegxl,jpegxl-half,heic,$ODIC \
  --out "$RUNS/sweep-kodak" --workers "$WORKERS"
keep "$RUNS/sweep-kodak" experiments/kodak

# (b) imagenet-1000 rate–accuracy at native resolution, 125 images spread over the 500 (all
# classes' mix), four observers none of which odic was trained with.
odic sweep "${IMAGENET[@]}" --limit 125 --codecs jpeg,webp,webp-half,avif,jpeg2000,jpegxl,jpegxl-half,heic,$ODIC \
  --observers $LITE2,$MNV2,$MNV1,$ONNX --out "$RUNS/sweep-imagenet" --workers "$WORKERS"
keep "$RUNS/sweep-imagenet" experiments/imagenet

# (b2) The machine-observer target of issue 3 on all 500 images (contains (b)'s 125): only the
# codecs and observers it names.
odic sweep "${IMAGENET[@]}" --codecs jpeg,webp,webp-half,odic:0,odic:1 --observers $LITE2,$MNV2 \
  --out "$RUNS/sweep-imagenet-500" --workers "$WORKERS"
keep "$RUNS/sweep-imagenet-500" experiments/imagenet-500

# (c) The same at the network input (--input-size 224: resize + centre crop, then compress).
odic sweep "${IMAGENET[@]}" --limit 100 --input-size 224 --codecs jpeg,webp,$ODIC \
  --observers $LITE2,$MNV2 --out "$RUNS/sweep-imagenet-224" --workers "$WORKERS"
keep "$RUNS/sweep-imagenet-224" experiments/imagenet-224

# (d) The α trade-off at one mid rate: trains its five networks from the shipped α = 0.5 one
#     (about 45 min on 2 cores; resumable), then measures them.
bash experiments/tradeoff/run.sh

# (e) Speed, alone on the machine (experiments/bench/README.md).
COLUMNS=100 odic bench --images ../shared/data/kodak --limit 4 > experiments/bench/bench-bf16.txt
COLUMNS=100 ODIC_BF16=0 odic bench --images ../shared/data/kodak --limit 4 --codecs jpeg > experiments/bench/bench-fp32.txt

odic report experiments --only kodak,imagenet,imagenet-500,imagenet-224,tradeoff,bench --out docs/results.md
