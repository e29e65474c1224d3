# The ladders the queue trains, and where each one's chain stands: sourced by continue.sh (the CPU
# queue) and device/prepare.sh / device/fire.sh (a lent GPU), so both train the same recipes and
# the GPU's runs come back as generations of the same chains.
#
# Each ladder is a chain of generations, runs/queue/LADDER-SHA-G (SHA: the first 8 hex digits of
# the shipped weights file the chain started from). A generation is finished when its checkpoint
# reached the steps its own config asked for.

RUNS=${RUNS:-runs}/queue
LADDERS=${LADDERS:-a0 a1 a05}
HOLD_OUT=${HOLD_OUT:-50}

# What every run shares, wherever it trains (the caller adds data, batch, threads, device, deadline).
# The checkerboard context (experiments/context) starts at zero when a generation begins from a
# hyperprior-only one, so chains continue across the change of architecture.
RECIPE=(--hold-out "$HOLD_OUT" --arch gained-checkerboard-hyperprior --N 128 --M 192 --quantize mixed --warmup 25)
SIX=(--lambda 0.7 --quality 1 --lambda 3.3 --quality 2 --lambda 8.73 --quality 3 --lambda 31.73 --quality 5
     --lambda 115.37 --quality 7 --lambda 250 --quality 8 --half-size 1 --half-size 2)
# The machine term as shipped (experiments/train/README.md §7, §9): Lite0 at the classifier's view.
MACHINE=(--feature-scale 0.143 --view-scale 0.6 --anchor 0.25 --pixel 10)

# LADDER → (α, quality) of the shipped file it starts from, steps per generation, its share of the
# queue's time (continue.sh runs the ladder whose chain has the fewest seconds for its share), arguments.
# --human-pixel keeps a pixel MSE beside MS-SSIM at α < 1 (odic/train/loss.py): 5 weighs it about
# a tenth of what an MSE-trained CompressAI model does, enough to keep the transforms from capping
# fidelity while MS-SSIM still decides where bits go (experiments/train/README.md §13).
declare -A SHIPPED STEPS SHARE ARGS KEEP
# α = 0 continues its own shipped file, a fine-tune of the α = 0.5 network on 256² crops: that
# network (the α = 1 chain's) beat the α = 0 chain's own (128² crops, 44,600 steps) for people too
# below about 0.9 bpp (experiments/train/README.md §19), and three 2,000-step generations at α = 0
# beat it at every quality (§20). The pixel MSE at 20 and lr 5e-5: from the same generation, 2,000
# steps of it beat 2,000 with the pixel MSE at 5 and lr 1e-4 on the held-out photos by −2.1 % PSNR
# and −2.5 % MS-SSIM BD-rate (§22; on Kodak, which only reports, it gained PSNR and lost some MS-SSIM).
SHIPPED[a0]="0 3"; STEPS[a0]=2000; SHARE[a0]=1
ARGS[a0]="--alpha 0 --crop 256 --lr 5e-5 --human-pixel 20 ${SIX[*]}"
# α = 1 starts again from the shipped α = 0 network: on the 500 imagenet images held-out judges
# find it level with the α = 1 network (Lite2) or better (MobileNetV2; §20), so the fidelity it
# gained carries over and the machine term goes on top of it. Choose its generations on the held-out
# photos with a judge it does not train with and the targets do not use (MobileNetV1-0.5,
# experiments/selection/own_labels.py), beside Lite0's agreement. Once one ships, "1 3" here
# continues the chain from that file. Until then the chain it has begun goes on when a new α = 0
# file ships (KEEP): begun again at every α = 0 release, which is most sessions, its generations
# would never add up to one that ships (experiments/train/README.md §23).
SHIPPED[a1]="0 3"; STEPS[a1]=2000; SHARE[a1]=1; KEEP[a1]=1
ARGS[a1]="--alpha 1 --crop 256 --lr 5e-5 ${MACHINE[*]} ${SIX[*]}"
# α = 0.5 is a fine-tune of the shipped machine network, begun again whenever a new one ships: the
# middle of the trade-off then inherits the α = 1 chain's training instead of needing its own (the
# α = 0.5 file of session 6 had 1,200 steps and lost to α = 1 for people and machines alike). A
# tenth of the time: a new chain gets one generation, then a tenth of what the others train.
SHIPPED[a05]="1 3"; STEPS[a05]=2000; SHARE[a05]=0.1
ARGS[a05]="--alpha 0.5 --crop 256 --lr 5e-5 --human-pixel 5 ${MACHINE[*]} ${SIX[*]}"

start_file() {  # start_file LADDER → the shipped weights file the ladder starts from (named by id)
  # shellcheck disable=SC2086  # "α quality"
  python -c "import sys; from odic.codec import zoo; print(zoo.find(float(sys.argv[1]), float(sys.argv[2])).path)" ${SHIPPED[$1]}
}

ckpt_field() {  # ckpt_field RUN FIELD → the checkpoint's step or wall, or "finished": 1 once its
  # step reached the steps its config planned (0 without a checkpoint)
  python - "$1/last.ckpt" "$2" <<'PY'
import sys, torch
from pathlib import Path
path, field = Path(sys.argv[1]), sys.argv[2]
state = torch.load(path, map_location="cpu", weights_only=False) if path.exists() else None
print(0 if state is None else int(state["step"] >= state["config"]["steps"]) if field == "finished" else state[field])
PY
}

chain() {  # chain LADDER → runs/queue/LADDER-SHA: the chain that continues the shipped start file
  # A start file exported from a generation of this queue continues that generation's chain (the
  # manifest's lineage names the run), so the generations trained after it are not thrown away.
  # A ladder with KEEP set keeps the chain it has begun (the one with the most generations, the
  # newest of those) when its start file is replaced, instead of beginning again from the new file.
  python - "$(start_file "$1")" "$RUNS" "$1" "${KEEP[$1]:-}" <<'PY'
import hashlib, sys
from pathlib import Path
from odic.codec import zoo
start, runs, ladder, keep = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
cards = zoo.read_records(zoo.ModelCard, start.parent)
lineage = next((c.extra.get("lineage", []) for c in cards if c.file == start.name), [])
source = Path(lineage[0]["run"]) if lineage else None
begun = [run.parent / run.name.rsplit("-", 1)[0] for run in runs.glob(f"{ladder}-*-1")]
if source is not None and source.parent.resolve() == runs.resolve() and source.name.startswith(f"{ladder}-") \
        and source.is_dir():
    print(runs / source.name.rsplit("-", 1)[0])
elif keep and begun:
    print(max(begun, key=lambda p: (len(list(runs.glob(f"{p.name}-*"))), Path(f"{p}-1").stat().st_mtime)))
else:
    print(runs / f"{ladder}-{hashlib.sha256(start.read_bytes()).hexdigest()[:8]}")
PY
}

current() {  # current LADDER → the chain's unfinished generation (created when every earlier one is done)
  local prefix g=1
  prefix=$(chain "$1")
  while [ "$(ckpt_field "$prefix-$g" finished)" = 1 ]; do g=$((g + 1)); done
  echo "$prefix-$g"
}

init_of() {  # init_of RUN LADDER → what generation RUN starts from: the one before it, or the shipped file
  local g=${1##*-}
  if [ "$g" -gt 1 ]; then echo "${1%-*}-$((g - 1))/last.ckpt"; else start_file "$2"; fi
}
