# Device side: train.sh RUN ALPHA ANCHOR STEPS BATCH INIT [ladder...]: one resumable cuda run in runs/RUN.
set -e
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 ODIC_BF16=0
run=$1 alpha=$2 anchor=$3 steps=$4 batch=$5 init=$6; shift 6
python3 -m odic lab train --out runs/$run --data /tmp/train --arch gained-mean-scale-hyperprior --N 128 --M 192 \
  --crop 256 --batch $batch --lr 1e-4 --warmup 100 --threads 2 --feature-scale 0.10 --quantize mixed --device cuda \
  --alpha $alpha --anchor $anchor --steps $steps --init-from $init "$@" > runs/$run.out 2>&1
