#!/usr/bin/env bash
# On a lent GPU (README.md), two calls within 30 s of each other, the machine staying warm:
#   bash experiments/train/device/fire.sh setup             (carry .dev/site)
#   bash experiments/train/device/fire.sh train SECONDS [BATCH]   (carry .dev/start)
# `train` fine-tunes every ladder in .dev/start side by side on the one GPU (one process each, the
# queue's own recipe from ladders.sh at batch BATCH, fp32 with TF32 convolutions) until SECONDS
# have passed, then packs each run into $OUT for bring_back.py. DEVICE=cpu rehearses it here.
set -uo pipefail
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 ODIC_BF16=0
build_rans() {  # the rANS extension for the device's Python (the repository's is built for this one's)
  python3 -c "from setuptools import Extension, setup; setup(name='r', script_args=['-q', 'build_ext', '--inplace'],
    ext_modules=[Extension('odic.codec._rans', ['odic/codec/_rans.c'], extra_compile_args=['-O2'])])"
}
case ${1:-} in
setup)
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
    .dev/site/whl/*.whl || exit 3
  rm -rf /tmp/train && cp -r .dev/site/train /tmp/train
  build_rans || exit 4
  python3 -c "import torch, timm, compressai, odic.lab; print(torch.__version__, timm.__version__, torch.cuda.get_device_name())"
  ;;
train)
  [ -d /tmp/train ] || { echo "a fresh machine: run 'fire.sh setup' first" >&2; exit 3; }
  build_rans || exit 4
  source experiments/train/ladders.sh
  deadline=$(date -d "+${2:?SECONDS} seconds" +%Y-%m-%dT%H:%M:%S)
  mkdir -p runs/gpu
  for start in .dev/start/*.pt; do
    ladder=$(basename "$start" .pt)
    # --steps far beyond what the time allows: the learning rate stays at the ladder's own.
    # shellcheck disable=SC2086  # ARGS are word lists
    python3 -m odic lab train --out "runs/gpu/$ladder" --data /tmp/train "${RECIPE[@]}" ${ARGS[$ladder]} \
      --batch "${3:-32}" --device "${DEVICE:-cuda}" --threads 4 --steps 1000000 --deadline "$deadline" --init-from "$start" \
      > "runs/gpu/$ladder.out" 2>&1 &
  done
  wait
  tail -n 3 runs/gpu/*.out
  python3 experiments/train/device/pack.py back runs/gpu "$OUT"
  ;;
*) echo "usage: $0 setup | train SECONDS [BATCH]" >&2; exit 2 ;;
esac
