"""Where reduced precision pays: bf16 autocast for the analysis/synthesis transforms.

The heavy transforms ``g_a`` / ``g_s`` (and ``h_a``) run in bf16 with
channels_last where the CPU has native bf16 instructions (AMX or AVX512-BF16);
elsewhere bf16 is emulated and slower than fp32, so it is off. Entropy models
and the hyper-synthesis always stay in full precision: the decoder must rebuild
exactly the probability tables the encoder used.
"""

from __future__ import annotations

import contextlib
import functools
import os
from contextlib import AbstractContextManager
from pathlib import Path

import torch


@functools.cache
def cpu_has_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(f in flags for f in (" amx_bf16", " avx512_bf16"))


def fast_enabled(device: torch.device | str = "cpu") -> bool:
    """bf16 autocast on this device? ``ODIC_BF16=0/1`` overrides the detection."""
    forced = os.environ.get("ODIC_BF16")
    if forced is not None:
        return forced == "1"
    if torch.device(device).type == "cuda":
        return torch.cuda.is_bf16_supported()
    return cpu_has_bf16()


def fast_context(device: torch.device | str = "cpu", enabled: bool | None = None) -> AbstractContextManager:
    """Autocast context for the heavy transforms (a no-op when bf16 is off)."""
    dev = torch.device(device)
    on = fast_enabled(dev) if enabled is None else enabled
    if not on:
        return contextlib.nullcontext()
    return torch.autocast(dev.type, dtype=torch.bfloat16)
