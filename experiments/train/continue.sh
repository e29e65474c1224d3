#!/usr/bin/env bash
# The training queue that compounds: one command, started at the beginning of every stretch of
# work, that trains the shipped ladders until a deadline and can be killed and rerun at any moment.
#
#   nohup nice -n 10 bash experiments/train/continue.sh 19:40 > runs/continue.out 2>&1 &
#   LADDERS="a0 a1" bash experiments/train/continue.sh "2026-12-01 19:40"   # only these ladders
#
# Each ladder is a chain of fixed-length generations, runs/queue/LADDER-SHA-G (SHA: the first 8
# hex digits of the shipped weights file the chain started from). A generation resumes exactly
# from its last.ckpt; a finished one hands its weights to the next. Shipping a generation keeps
# its chain going; a chain whose runs/ is gone (a fresh machine), or whose start file was
# replaced by weights from elsewhere, starts again from the shipped file, so the queue never
# needs a person to pick the next step. Among the ladders,
# the one whose current chain has trained the fewest seconds goes next.
#
# Every ladder holds back the first $HOLD_OUT training photos (odic lab train --hold-out): they choose
# between a generation and the shipped weights (experiments/selection). Wall time and steps of
# every generation are in its checkpoint; `odic lab export` writes them into the manifest's lineage.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DEADLINE (anything 'date -d' reads, e.g. 19:40)" >&2; exit 2; }
DEADLINE=$(date -d "$1" +%Y-%m-%dT%H:%M:%S)
RUNS=${RUNS:-runs}/queue
LADDERS=${LADDERS:-a0 a1 a05 a1low}
HOLD_OUT=${HOLD_OUT:-50}
mkdir -p "$RUNS"

COMMON=(--data ../shared/data/train --hold-out "$HOLD_OUT" --arch gained-mean-scale-hyperprior --N 128 --M 192
        --batch 8 --threads "${THREADS:-2}" --quantize mixed --warmup 25 --deadline "$DEADLINE")
SIX=(--lambda 0.7 --quality 1 --lambda 3.3 --quality 2 --lambda 8.73 --quality 3 --lambda 31.73 --quality 5
     --lambda 115.37 --quality 7 --lambda 250 --quality 8 --half-size 1 --half-size 2)
# The machine term as shipped (experiments/train/README.md §7, §9): Lite0 at the classifier's view.
MACHINE=(--feature-scale 0.143 --view-scale 0.6 --anchor 0.25 --pixel 10)

# LADDER → start file, steps per generation, arguments. α = 0 trains on 128² crops: while the
# networks are this under-trained, four times the updates per hour beat larger crops (2026-12
# measurement in experiments/train/README.md §13). The observer ladders keep 256² crops: at
# --view-scale 0.6 a 128² crop is a 77-pixel picture for the classifier.
# --human-pixel keeps a pixel MSE beside MS-SSIM at α < 1 (odic/train/loss.py): 5 weighs it about
# a tenth of what an MSE-trained CompressAI model does, enough to keep the transforms from capping
# fidelity while MS-SSIM still decides where bits go (experiments/train/README.md §13).
shipped() {  # shipped ALPHA QUALITY → the shipped weights file that codes it (files are named by id)
  python -c "import sys; from odic.codec import zoo; print(zoo.find(float(sys.argv[1]), float(sys.argv[2])).path)" "$1" "$2"
}
declare -A START STEPS ARGS
START[a0]=$(shipped 0 3);    STEPS[a0]=4000
ARGS[a0]="--alpha 0 --crop 128 --lr 1e-4 --human-pixel 5 ${SIX[*]}"
START[a1]=$(shipped 1 3);    STEPS[a1]=2000
ARGS[a1]="--alpha 1 --crop 256 --lr 5e-5 ${MACHINE[*]} ${SIX[*]}"
START[a05]=$(shipped 0.5 3); STEPS[a05]=2000
ARGS[a05]="--alpha 0.5 --crop 256 --lr 5e-5 --human-pixel 5 ${MACHINE[*]} ${SIX[*]}"
START[a1low]=$(shipped 1 1); STEPS[a1low]=1500
ARGS[a1low]="--alpha 1 --crop 256 --lr 5e-5 ${MACHINE[*]} --lambda 0.7 --quality 1 --lambda 3.3 --quality 2 --half-size 1 --half-size 2"

ckpt_field() {  # ckpt_field RUN FIELD → the checkpoint's step or wall (0 without a checkpoint)
  python - "$1/last.ckpt" "$2" <<'EOF'
import sys, torch
from pathlib import Path
path, field = Path(sys.argv[1]), sys.argv[2]
print(torch.load(path, map_location="cpu", weights_only=False)[field] if path.exists() else 0)
EOF
}

chain() {  # chain LADDER → runs/queue/LADDER-SHA: the chain that continues the shipped start file
  # A start file exported from a generation of this queue continues that generation's chain (the
  # manifest's lineage names the run), so the generations trained after it are not thrown away.
  python - "${START[$1]}" "$RUNS" "$1" <<'EOF'
import hashlib, json, sys
from pathlib import Path
start, runs, ladder = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
entries = json.loads((start.parent / "manifest.json").read_text())["models"]
lineage = next((e["extra"].get("lineage", []) for e in entries if e["file"] == start.name), [])
source = Path(lineage[0]["run"]) if lineage else None
if source is not None and source.parent.resolve() == runs.resolve() and source.name.startswith(f"{ladder}-") \
        and source.is_dir():
    print(runs / source.name.rsplit("-", 1)[0])
else:
    print(runs / f"{ladder}-{hashlib.sha256(start.read_bytes()).hexdigest()[:8]}")
EOF
}

# current LADDER → the chain's unfinished generation (created when every earlier one is done)
current() {
  local ladder=$1 prefix g=1
  prefix=$(chain "$ladder")
  while [ "$(ckpt_field "$prefix-$g" step)" -ge "${STEPS[$ladder]}" ]; do g=$((g + 1)); done
  echo "$prefix-$g"
}

chain_wall() {  # wall seconds of every generation of the chain that RUN belongs to
  local run=$1 total=0 w
  for r in "${run%-*}"-*; do
    [ -d "$r" ] || continue
    w=$(ckpt_field "$r" wall); total=$(python -c "print($total + $w)")
  done
  echo "$total"
}

while [ "$(date +%s)" -lt "$(date -d "$DEADLINE" +%s)" ]; do
  best= best_wall=
  for ladder in $LADDERS; do
    run=$(current "$ladder"); wall=$(chain_wall "$run")
    if [ -z "$best" ] || python -c "import sys; sys.exit(not $wall < $best_wall)"; then
      best=$ladder best_wall=$wall
    fi
  done
  run=$(current "$best")
  g=${run##*-}
  init=${START[$best]}
  [ "$g" -gt 1 ] && init=${run%-*}-$((g - 1))/last.ckpt
  echo "$(date +%T) $best: $run from $init (chain so far ${best_wall} s)"
  # shellcheck disable=SC2086  # ARGS are word lists
  odic lab train --out "$run" "${COMMON[@]}" ${ARGS[$best]} --steps "${STEPS[$best]}" --init-from "$init"
done
echo "$(date +%T) deadline reached"
