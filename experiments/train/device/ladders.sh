# Device side, after setup.sh: the three shipped ladders fine-tuned on the GPU for at most $1 s
# each, side by side (one process each), then packed into $OUT for relocate.py.
#   bash /tmp/ladders.sh 440
[ -d /tmp/site ] || { echo "fresh machine: run setup.sh first"; exit 3; }
export PYTHONPATH=/tmp/site:$PWD
python3 /tmp/mkinit.py || exit 4
W=(--lambda 0.1 --quality 1 --lambda 0.25 --quality 2 --lambda 8.73 --quality 3 --lambda 31.73 --quality 5 --lambda 115.37 --quality 7 --lambda 250 --quality 8)
for r in a0_gpu:0:0:runs/gpu_init_a0.pt a05_gpu:0.5:0:runs/gpu_init_a0.5.pt a1_gpu:1:0.25:runs/gpu_init_a1.pt; do
  IFS=: read -r n a an i <<< "$r"; timeout "$1" bash /tmp/train.sh $n $a $an 1200 32 $i "${W[@]}" &
done
wait
python3 /tmp/pack.py a0_gpu a05_gpu a1_gpu
