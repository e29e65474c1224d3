"""Here, after a lent GPU trained (README.md): its runs become the next generation of each
ladder's chain in runs/queue, and the shipped weights go back into odic/weights.

    python experiments/train/device/bring_back.py FILES_AT     # from the repository root

FILES_AT holds ``LADDER.pt`` per ladder (``pack.py back``); ``.dev/start/LADDER.pt`` says where
its weights came from. A generation the GPU continued ends where the GPU took over (its planned
steps become the steps it ran), and the GPU run follows it as a finished generation of as many
steps as it had time for, fine-tuned from it: the queue goes on from the GPU's weights, and
``odic lab export``'s lineage and the ledger count every step where it ran. The result has no
optimiser state: a later generation starts from it, none resumes it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import torch

from odic.codec import zoo
from odic.fsutil import atomic_torch_save

DEV = Path(".dev")
WEIGHTS = Path("odic/weights")
DATA = "../shared/data/train"


def generation_after(run: Path) -> Path:
    prefix, g = run.name.rsplit("-", 1)
    return run.with_name(f"{prefix}-{int(g) + 1}")


def bring_back(packed: Path) -> Path:
    ladder = packed.stem
    start = torch.load(DEV / "start" / f"{ladder}.pt", map_location="cpu", weights_only=False)
    source, run = Path(start["source"]), Path(start["run"])
    target = run
    state = torch.load(source, map_location="cpu", weights_only=False)
    if source == run / "last.ckpt":  # the GPU continued the generation in progress: it ends there
        if state["step"] != start["source_step"]:
            raise SystemExit(f"{run} trained on after prepare.sh (step {state['step']}, not "
                             f"{start['source_step']}): the queue must stay stopped while a GPU trains")
        state["config"]["steps"] = state["step"]
        atomic_torch_save(state, source)
        target = generation_after(run)
    if (target / "last.ckpt").exists():
        raise SystemExit(f"{target} exists already")
    gpu = torch.load(packed, map_location="cpu", weights_only=False)
    digest = zoo.sha256_file(source)
    shipped = "model" not in state  # a shipped file is a bare state dict
    config = {**gpu["config"], "out": str(target), "data": [DATA], "init_from": str(source), "steps": gpu["step"]}
    target.mkdir(parents=True, exist_ok=True)
    (target / "log.jsonl").write_text(gpu["log"])
    atomic_torch_save({"model": {k: v.float() if v.is_floating_point() else v for k, v in gpu["model"].items()},
                       "step": gpu["step"], "wall": gpu["wall"], "started": gpu["started"],
                       "skipped": gpu["skipped"], "config": config, "init_sha256": digest,
                       "init_lineage": zoo.shipped_lineage(digest) if shipped else None}, target / "last.ckpt")
    print(f"{ladder}: {target} ← {gpu['step']} GPU steps in {gpu['wall']:.0f} s "
          f"({gpu['step'] / max(gpu['wall'], 1e-9):.2f}/s), from {source}")
    return target


def main(files_at: Path) -> None:
    for weights in sorted((DEV / "weights").glob("*.pt")):  # moved out by prepare.sh
        shutil.move(weights, WEIGHTS / weights.name)
    for packed in sorted(files_at.glob("*.pt")):
        bring_back(packed)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
