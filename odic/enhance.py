"""Recognition-aware post-processing of legacy codecs (after Liu et al., "Transferable
Recognition-Aware Image Processing"): the shipped enhancers and running them.

A small residual CNN cleans up decoded JPEG images. Trained with a pixel loss alone ("plain") it
removes blocking the way people like; trained with the pixel loss *plus* a frozen classifier's
feature loss ("recognition") it restores what classifiers need, and Liu et al. found that gain
transfers to classifiers it never saw. Training is the lab's (:mod:`odic.train.enhancer`); the
networks ship in ``odic/weights/`` with entries in its ``enhancers.json`` (read by
:class:`odic.codec.zoo.EnhancerCard`).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor, nn

from odic.codec import zoo

KINDS = ("plain", "recognition")


class EnhanceNet(nn.Module):
    """``x + f(x)``: a plain stack of 3×3 convolutions predicting the correction."""

    def __init__(self, channels: int = 48, layers: int = 8):
        super().__init__()
        body: list[nn.Module] = [nn.Conv2d(3, channels, 3, padding=1), nn.ReLU(inplace=True)]
        for _ in range(layers - 2):
            body += [nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(inplace=True)]
        body.append(nn.Conv2d(channels, 3, 3, padding=1))
        self.body = nn.Sequential(*body)
        self.channels, self.layers = channels, layers

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


def load_enhancer(name: str | None = None) -> EnhanceNet:
    """An installed enhancer by name (default: the recognition-aware one), checked against its sha256."""
    return build_enhancer(zoo.find_enhancer(name))


def build_enhancer(card: zoo.EnhancerCard) -> EnhanceNet:
    """The enhancer a manifest record lists, checked against its sha256."""
    net = EnhanceNet(card.channels, card.layers)
    net.load_state_dict({k: v.float() for k, v in card.load_state().items()})
    return net.eval()


@torch.inference_mode()
def enhance(net: EnhanceNet, rgb: np.ndarray) -> np.ndarray:
    """Enhance one H × W × 3 uint8 image (fp32: the result does not depend on the CPU)."""
    x = torch.from_numpy(rgb.copy()).permute(2, 0, 1)[None].float() / 255
    y = net(x)[0].clamp(0, 1)
    return y.mul(255).round().byte().permute(1, 2, 0).numpy()
