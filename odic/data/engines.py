"""Execution engines for dataset jobs: this machine, or a Ray cluster.

An engine maps a picklable worker function over jobs and yields the results
in job order, so the caller (the only writer of files and manifest) behaves
the same whatever runs the work. Output files are therefore byte-identical
across engines.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from odic.errors import OdicError

Worker = Callable[[Any], Any]


def _share_cores(workers: int) -> None:
    """Give each pool process its share of the cores: torch's default (all cores in
    every process) oversubscribes them and makes a pool slower than one process."""
    import torch

    torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))


def local(worker: Worker, jobs: Sequence[Any], workers: int) -> Iterator[Any]:
    """The calling process, or a pool of ``workers`` processes on this machine."""
    if workers <= 1:
        yield from map(worker, jobs)
        return
    # Not fork: a forked child of a process that already ran torch can deadlock in OpenMP. A fork
    # server that has imported the codec (and never run it) starts each worker in milliseconds,
    # where spawn made every worker import torch and CompressAI again (seconds each).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["odic.codec.codec", "odic.codec.zoo", "odic.data.dataset"])
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_share_cores, initargs=(workers,)) as pool:
        yield from pool.map(worker, jobs)


def ray(worker: Worker, jobs: Sequence[Any], workers: int) -> Iterator[Any]:
    """Ray tasks on the cluster of ``$RAY_ADDRESS`` (or a local Ray instance when unset).

    At most ``4 × cluster CPUs`` tasks are in flight, so a million-file job
    neither floods the scheduler nor holds all results in memory. ``workers``
    is ignored: the cluster's CPUs decide the parallelism.
    """
    try:
        import ray as ray_module
    except ImportError:
        raise OdicError("engine 'ray' needs the 'scale' extra: pip install 'odic[scale]'") from None
    if not ray_module.is_initialized():
        ray_module.init(address=os.environ.get("RAY_ADDRESS"), include_dashboard=False, log_to_driver=False)
    task = ray_module.remote(num_cpus=1)(worker)
    window = 4 * max(1, int(ray_module.cluster_resources().get("CPU", 1)))
    pending: deque = deque()
    for job in jobs:
        pending.append(task.remote(job))
        if len(pending) >= window:
            yield ray_module.get(pending.popleft())
    while pending:
        yield ray_module.get(pending.popleft())


ENGINES: dict[str, Callable[[Worker, Sequence[Any], int], Iterator[Any]]] = {"local": local, "ray": ray}
