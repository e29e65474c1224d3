"""Reading an adapted observer (a classifier fine-tuned by ``odic lab adapt-classifier``,
:mod:`odic.train.adapt`) as a frozen judge: ``adapted:PATH`` in sweeps and ``create_evaluator``."""

from __future__ import annotations

from pathlib import Path

import torch

from odic.errors import OdicError
from odic.observers.timm_observers import FeatureObserver, create_observer

#: What an adapted observer file says it is.
FORMAT = "odic-adapted-observer/1"


def load_adapted(path: Path, name: str | None = None) -> FeatureObserver:
    """An adapted observer file as a frozen observer (its base network, adapted weights)."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except FileNotFoundError:
        raise OdicError(f"{path}: no such adapted observer") from None
    except Exception as e:  # noqa: BLE001  (torch raises many kinds for a file that is not a checkpoint)
        raise OdicError(f"{path}: not an adapted observer ({type(e).__name__})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise OdicError(f"{path}: not an adapted observer file")
    observer = create_observer(state["observer"])
    observer.model.load_state_dict(state["state_dict"], strict=True)
    observer.name = name or f"adapted:{Path(path).name}"
    return observer
