# Device side, first call: packages into /tmp/site, training photos into /tmp/train, scripts into /tmp.
set -e
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .dev/whl/*.whl
rm -rf /tmp/train && cp -r .dev/data_train /tmp/train && cp experiments/train/device/*.py experiments/train/device/*.sh /tmp/
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1
python3 -c "import compressai, timm, torch, odic.cli; print(torch.__version__, timm.__version__, torch.cuda.get_device_name())"
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv
echo setup-done
