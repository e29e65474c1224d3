"""Machine observers: frozen ImageNet classifiers used as a loss and as judges.

:func:`create_evaluator` takes one spec for every kind of judge: a registered
or timm name (``lite2``), ``tflite:PATH``, ``onnx:PATH`` or ``adapted:PATH``. Each has
``name`` and ``classify(images) -> logits`` over the 1000 ILSVRC classes.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from PIL import Image
from torch import Tensor

from odic.observers.blackbox import OnnxObserver, TFLiteObserver
from odic.observers.timm_observers import (
    FeatureObserver,
    create_observer,
    list_observers,
)


class Evaluator(Protocol):
    name: str

    def classify(self, images: Sequence[Image.Image]) -> Tensor: ...


def _adapted(path: Path) -> FeatureObserver:
    from odic.observers.adapted import load_adapted

    return load_adapted(path)


_PREFIXES: dict[str, Callable[[Path], FeatureObserver | TFLiteObserver | OnnxObserver]] = {
    "tflite": TFLiteObserver, "onnx": OnnxObserver, "adapted": _adapted}


def create_evaluator(spec: str) -> FeatureObserver | TFLiteObserver | OnnxObserver:
    """A judge from its spec: ``lite2`` (registry or timm name), ``tflite:PATH``, ``onnx:PATH``,
    or ``adapted:PATH`` (a file written by ``odic lab adapt-classifier``)."""
    kind, _, path = spec.partition(":")
    if path and kind in _PREFIXES:
        return _PREFIXES[kind](Path(path))
    return create_observer(spec)


def display_name(spec: str) -> str:
    """Short name of an observer spec for tables and plots: a file's stem for ``kind:PATH``."""
    kind, _, path = spec.partition(":")
    return Path(path).stem if path and kind in _PREFIXES else spec


__all__ = ["Evaluator", "FeatureObserver", "OnnxObserver", "TFLiteObserver", "create_evaluator", "create_observer",
           "display_name", "list_observers"]
