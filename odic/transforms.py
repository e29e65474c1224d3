"""torchvision-style transforms: see a dataset as it looks after odic.

    from torchvision import transforms
    import odic.transforms

    augment = transforms.Compose([odic.transforms.Compress(observer="machine", quality=2),
                                  transforms.ToTensor()])

for training a classifier on decoded images, or for measuring one on them. A transform holds
only its settings, so it pickles small: each DataLoader worker loads the networks itself on
first use (odic's model cache), and ``num_workers > 0`` works without sending weights through
the pipe.
"""

from __future__ import annotations

from PIL import Image

from odic import api


class Compress:
    """PIL image → the image an odic decoder gives back after encoding it (same size and mode)."""

    def __init__(self, observer: str | None = None, *, alpha: float | None = None,
                 quality: float | None = None, bpp: float | None = None):
        self.alpha = api.resolve_alpha(alpha, observer)  # a bad argument fails here, not in a worker
        api.check_rate(quality, bpp)
        self.quality = quality
        #: Each image at the highest quality that fits this rate, instead of one quality for all.
        self.bpp = bpp

    def __call__(self, image: Image.Image) -> Image.Image:
        data = api.encode(image, self.alpha, self.quality, bpp=self.bpp, drop_alpha=True)
        return api.decode(data)

    def __repr__(self) -> str:
        rate = f"bpp={self.bpp:g}" if self.bpp is not None else f"quality={self.quality}"
        return f"{type(self).__name__}(alpha={self.alpha:g}, {rate})"
