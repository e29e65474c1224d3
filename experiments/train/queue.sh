#!/usr/bin/env bash
# Session-2 training queue, run in the background from the repository root:
#   ODIC_BF16=1 nohup bash experiments/train/queue.sh > runs/queue.out 2>&1 &
# Each step resumes exactly from runs/NAME/last.ckpt, so re-running the script after an
# interruption continues where it stopped (finished runs return at once).
set -euo pipefail
RUNS=${RUNS:-runs}
COMMON=(--data ../shared/data/train --arch gained-mean-scale-hyperprior --N 128 --M 192
        --crop 192 --batch 8 --lr 1e-4 --threads 2 --feature-scale 0.10)
# q1 trains at λ = 0.6 (not 2.40) so that the lowest rate reaches about 0.1 bpp.
LADDER=(--lambda 0.6 --quality 1 --lambda 8.73 --quality 3 --lambda 31.73 --quality 5 --lambda 115.37 --quality 7)
BASE=${BASE:-$RUNS/a0_vr/last.ckpt}

# 1. α = 1, variable rate (its first 100 steps ran at q1 λ = 2.40 in session 1).
odic train --out "$RUNS/a1_vr" "${COMMON[@]}" "${LADDER[@]}" --alpha 1 --steps 1500 --init-from "$BASE"

# 2. α trade-off at one mid rate (q3, λ = 8.73): equal short fine-tunes from the α = 0 network.
for a in 0 0.25 0.5 0.75 1; do
  odic train --out "$RUNS/tradeoff_a$a" "${COMMON[@]}" --lambda 8.73 --quality 3 --alpha "$a" \
    --steps 250 --warmup 25 --init-from "$BASE"
done

# 3. α = 0.5, variable rate.
odic train --out "$RUNS/a05_vr" "${COMMON[@]}" "${LADDER[@]}" --alpha 0.5 --steps 600 --init-from "$BASE"

# 4. α = 0 continued with the lower q1 λ (not run yet: session 2 gave the cores to the sweeps).
odic train --out "$RUNS/a0_vr2" "${COMMON[@]}" "${LADDER[@]}" --alpha 0 --steps 600 --init-from "$BASE"
