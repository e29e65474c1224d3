"""torchvision-style transforms: see a dataset as it looks after odic.

    from torchvision import transforms
    import odic.transforms

    augment = transforms.Compose([odic.transforms.Compress(observer="machine", quality=2),
                                  transforms.ToTensor()])

for training a classifier on decoded images, or for measuring one on them. A transform is
picklable: each DataLoader worker loads the codec itself on first use, so ``num_workers > 0``
works and the weights are not sent through the pipe.
"""

from __future__ import annotations

from typing import Any, Optional

from PIL import Image

from odic import api
from odic.codec.codec import Codec


class Compress:
    """PIL image → the image an odic decoder gives back after encoding it (same size and mode)."""

    def __init__(self, observer: Optional[str] = None, *, alpha: Optional[float] = None,
                 quality: Optional[int] = None):
        self.alpha = api.resolve_alpha(alpha, observer)  # a bad argument fails here, not in a worker
        self.quality = quality
        self._codec: Optional[Codec] = None

    @property
    def codec(self) -> Codec:
        if self._codec is None:
            self._codec = api.load_codec(self.alpha, self.quality)
        return self._codec

    def __call__(self, image: Image.Image) -> Image.Image:
        return self.codec.decode(self.codec.encode(image, drop_alpha=True))

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_codec": None}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(alpha={self.alpha:g}, quality={self.quality})"
