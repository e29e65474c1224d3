#!/usr/bin/env bash
# The studies behind odic (docs/studies.md), from the repository root: bash experiments/studies.sh
# Resumable like experiments/results.sh (caches in $RUNS, default runs/). Needs ../shared.
set -euo pipefail
RUNS=${RUNS:-runs}
WORKERS=${WORKERS:-2}
MNV2=tflite:../shared/observers/mobilenet_v2_1.0_224_quant.tflite
IMAGENET=(--images ../shared/data/imagenet-1000 --labels ../shared/data/imagenet-1000/labels.csv)

# 1. Distortion robustness (experiments/robustness/README.md).
odic robustness "${IMAGENET[@]}" --observers lite0,lite2,$MNV2 --limit 100 --out "$RUNS/robustness" --workers "$WORKERS"
cp "$RUNS"/robustness/{summary.csv,*.png} experiments/robustness/

odic report experiments --only robustness --title "Studies" --command "bash experiments/studies.sh" --out docs/studies.md
