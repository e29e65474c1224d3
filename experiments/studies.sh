#!/usr/bin/env bash
# The studies behind odic (docs/studies.md), from the repository root: bash experiments/studies.sh
# Resumable like experiments/results.sh (caches in $RUNS, default runs/). Needs ../shared.
# Arguments pick studies (default all): bash experiments/studies.sh enhance; the report is always rebuilt.
set -euo pipefail
RUNS=${RUNS:-runs}
WORKERS=${WORKERS:-2}
MNV2=tflite:../shared/observers/mobilenet_v2_1.0_224_quant.tflite
IMAGENET=(--images ../shared/data/imagenet-1000 --labels ../shared/data/imagenet-1000/labels.csv)

# 1. Distortion robustness (experiments/robustness/README.md).
robustness() {
odic lab robustness "${IMAGENET[@]}" --judges lite0,lite2,$MNV2 --limit 50 --out "$RUNS/robustness" --workers "$WORKERS"
cp "$RUNS"/robustness/{summary.csv,*.png} experiments/robustness/
}

# 2. Observer adaptation (experiments/adaptation/README.md).
adaptation() {
mkdir -p "$RUNS/adapt"
SPECS=()
for codec in jpeg webp odic:0; do
  file="$RUNS/adapt/lite0-${codec/:/}.pt"
  [ -f "$file" ] || odic lab adapt-classifier --classifier lite0 --codec $codec --rate 0.25 --train ../shared/data/train \
    --steps 100 --out "$file"
  SPECS+=("$codec=adapted:$file")
done
JUDGES=lite0$(printf ',%s' "${SPECS[@]#*=}")
odic lab sweep "${IMAGENET[@]}" --limit 125 --codecs original,jpeg,webp,odic:0 --rates 0.25 --judges "$JUDGES" \
  --out "$RUNS/sweep-adapt" --workers "$WORKERS"
python experiments/adaptation/table.py "$RUNS/sweep-adapt" experiments/adaptation lite0 "${SPECS[@]}"
}

# 3. Recognition-aware post-processing (experiments/enhance/README.md).
enhance() {
for kind in plain recognition; do
  odic lab train-enhancer --kind $kind --out "$RUNS/enh_$kind" --data ../shared/data/train --steps 1000 --threads 2
  odic lab export-enhancer "$RUNS/enh_$kind/last.ckpt" --name "jpeg-$kind"
done
CODECS=jpeg,jpeg+jpeg-plain,jpeg+jpeg-recognition
odic lab sweep "${IMAGENET[@]}" --limit 125 --codecs $CODECS --rates 0.25,0.5 --out "$RUNS/sweep-enhance-imagenet" \
  --judges lite2,$MNV2,onnx:../shared/observers/mobilenetv2-12-int8.onnx --workers "$WORKERS"
odic lab sweep --images ../shared/data/kodak --codecs $CODECS --rates 0.25,0.5 --out "$RUNS/sweep-enhance-kodak" --workers "$WORKERS"
cp "$RUNS/sweep-enhance-imagenet/summary.csv" experiments/enhance/imagenet-summary.csv
cp "$RUNS/sweep-enhance-kodak/summary.csv" experiments/enhance/kodak-summary.csv
cp "$RUNS"/sweep-enhance-imagenet/top1_*.png experiments/enhance/
python experiments/enhance/table.py experiments/enhance/{imagenet,kodak}-summary.csv experiments/enhance/goal.csv
}

for study in ${@:-robustness adaptation enhance}; do "$study"; done

odic lab report experiments --only robustness,adaptation,enhance --title "Studies" --command "bash experiments/studies.sh" --out docs/studies.md
