# Device side, right after ladders.sh on the same (still warm) machine: the α trade-off runs,
# fine-tuned from the new α = 0 ladder at quality 3 alone, side by side, then packed.
#   bash /tmp/tradeoff.sh 330
[ -f runs/a0_gpu/last.ckpt ] || { echo "no runs/a0_gpu: run ladders.sh first"; exit 3; }
export PYTHONPATH=/tmp/site:$PWD
for p in 0.25:9.3 0.5:10.2 0.75:11.5 1:14.0; do
  IFS=: read -r a l <<< "$p"
  timeout "$1" bash /tmp/train.sh tradeoff3_a$a $a 0.25 1200 32 runs/a0_gpu/last.ckpt --lambda $l --quality 3 &
done
wait
python3 /tmp/pack.py tradeoff3_a0.25 tradeoff3_a0.5 tradeoff3_a0.75 tradeoff3_a1
