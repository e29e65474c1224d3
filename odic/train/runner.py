"""One resumable runner under every training job of the lab.

A codec network (:mod:`odic.train.loop`), a JPEG enhancer (:mod:`odic.train.enhancer`) and an
adapted classifier (:mod:`odic.train.adapt`) train the same way: the batch and the random noise
of step ``s`` are functions of ``(seed, s)`` (:class:`odic.train.data.CropSampler`), so a run
killed at any moment continues from its last atomic checkpoint exactly, with no sampler state to
save; every ``log_every`` steps a JSON line goes to the run's log. A subclass says what one step
does and what its checkpoint holds besides the step count and the training wall time.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import torch
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from odic.fsutil import atomic_torch_save


class Runner(ABC):
    """Checkpointing, logging, seeding and the step loop of one training job."""

    #: Shown beside the progress bar.
    label = "train"

    def __init__(self, checkpoint: Path, log: Path, steps: int, seed: int, checkpoint_every: int = 100,
                 log_every: int = 25) -> None:
        self.checkpoint, self.log_path = checkpoint, log
        self.steps, self.seed = steps, seed
        self.checkpoint_every, self.log_every = checkpoint_every, log_every
        self.step = 0
        #: Seconds spent in training steps, summed over every resume (a run's cost).
        self.wall = 0.0
        checkpoint.parent.mkdir(parents=True, exist_ok=True)

    @abstractmethod
    def train_step(self) -> dict[str, Any]:
        """One optimisation step at ``self.step``; returns what to log."""

    @abstractmethod
    def state(self) -> dict[str, Any]:
        """What the checkpoint holds besides ``step`` and ``wall``: weights, optimisers, config."""

    @abstractmethod
    def load_state(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state` saved."""

    @property
    def is_main(self) -> bool:
        """Whether this process writes checkpoints and logs (rank 0 of a distributed run)."""
        return True

    def draw(self) -> int:
        """The index of this step's randomness: the step itself, unless ranks split a step."""
        return self.step

    def after_step(self, stats: dict[str, Any]) -> None:  # noqa: B027 (an optional hook)
        """Called after each step, before the checkpoint (validation goes here)."""

    def describe(self, stats: dict[str, Any]) -> str:
        """A few figures for the progress bar."""
        return ""

    def resume(self, map_location: str | torch.device = "cpu") -> bool:
        """Load the checkpoint if the run has one; whether it did."""
        if not self.checkpoint.exists():
            return False
        state = torch.load(self.checkpoint, map_location=map_location, weights_only=False)
        self.step, self.wall = state["step"], state.get("wall", 0.0)
        self.load_state(state)
        return True

    def save(self) -> None:
        if self.is_main:
            atomic_torch_save({**self.state(), "step": self.step, "wall": self.wall}, self.checkpoint)

    def log(self, record: dict[str, Any]) -> None:
        if self.is_main:
            with open(self.log_path, "a") as f:
                f.write(json.dumps(record) + "\n")

    def run(self, progress: bool = False, until: int | None = None, deadline: float | None = None) -> None:
        """Train to ``steps``, or stop early after step ``until`` or at the first step that ends past
        ``deadline`` (a ``time.time()`` value). Either way the run is checkpointed and resumable."""
        last = self.steps if until is None else min(until, self.steps)
        columns = [TextColumn(f"[bold]{self.label}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[info]}"), TimeElapsedColumn(), TimeRemainingColumn()]
        with Progress(*columns, disable=not progress or not self.is_main) as bar:
            task = bar.add_task(self.label, total=self.steps, completed=self.step, info="")
            while self.step < last:
                start = time.perf_counter()
                # The global generator drives quantisation noise and the like: seeded per step,
                # a resumed run draws what the killed one would have drawn.
                torch.manual_seed(self.seed * 1_000_003 + self.draw())
                stats = self.train_step()
                self.step += 1
                self.wall += time.perf_counter() - start
                bar.update(task, completed=self.step, info=self.describe(stats))
                if self.step % self.log_every == 0:
                    self.log({"step": self.step, "wall": round(self.wall, 1), **stats})
                self.after_step(stats)
                late = deadline is not None and time.time() >= deadline
                if self.step % self.checkpoint_every == 0 or self.step == last or late:
                    self.save()
                if late:
                    break
