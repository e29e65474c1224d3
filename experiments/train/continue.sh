#!/usr/bin/env bash
# The training queue that compounds: one command, started at the beginning of every stretch of
# work, that trains the shipped ladders until a deadline and can be killed and rerun at any moment.
#
#   nohup nice -n 10 bash experiments/train/continue.sh 19:40 > runs/continue.out 2>&1 &
#   LADDERS="a0 a1" bash experiments/train/continue.sh "2026-12-01 19:40"   # only these ladders
#
# Each ladder is a chain of generations (ladders.sh), runs/queue/LADDER-SHA-G; the queue's are of
# fixed length, a lent GPU's (device/) as long as it had. A generation resumes exactly from its
# last.ckpt; a finished one hands its weights to the next. Shipping a generation keeps
# its chain going; a chain whose runs/ is gone (a fresh machine), or whose start file was
# replaced by weights from elsewhere, starts again from the shipped file, so the queue never
# needs a person to pick the next step. Among the ladders,
# the one whose current chain has trained the fewest seconds for its share (ladders.sh) goes next.
#
# Every ladder holds back the first $HOLD_OUT training photos (odic lab train --hold-out): they choose
# between a generation and the shipped weights (experiments/selection). Wall time and steps of
# every generation are in its checkpoint; `odic lab export` writes them into the manifest's lineage.
# The transforms run compiled (--compile): a step takes about a third less time once the first
# minute of compiling is paid (experiments/train/README.md §21).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DEADLINE (anything 'date -d' reads, e.g. 19:40)" >&2; exit 2; }
DEADLINE=$(date -d "$1" +%Y-%m-%dT%H:%M:%S)
source "$(dirname "$0")/ladders.sh"
mkdir -p "$RUNS"
COMMON=(--data ../shared/data/train "${RECIPE[@]}" --batch 8 --threads "${THREADS:-2}" --compile --deadline "$DEADLINE")

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
    run=$(current "$ladder"); wall=$(python -c "print($(chain_wall "$run") / ${SHARE[$ladder]})")
    if [ -z "$best" ] || python -c "import sys; sys.exit(not $wall < $best_wall)"; then
      best=$ladder best_wall=$wall
    fi
  done
  run=$(current "$best")
  init=$(init_of "$run" "$best")
  echo "$(date +%T) $best: $run from $init (chain so far ${best_wall} s for its share)"
  # shellcheck disable=SC2086  # ARGS are word lists
  odic lab train --out "$run" "${COMMON[@]}" ${ARGS[$best]} --steps "${STEPS[$best]}" --init-from "$init"
done
echo "$(date +%T) deadline reached"
