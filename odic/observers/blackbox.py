"""Black-box evaluation observers: TFLite and ONNX classifiers, each with its own preprocessing.

They judge decoded images (top-1 / top-5) but are never trained against:
odic's machine claims are measured on observers the codec did not see.
Preprocessing follows each model's published recipe (see
``../shared/observers/README.md``): TF-slim "inception" eval for TFLite
(87.5 % central crop, bilinear resize, uint8 input), torchvision style for the
ONNX model zoo (shorter side 256, centre crop 224, mean/std).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import Tensor

from odic.errors import OdicError


def _central_crop(image: Image.Image, fraction: float) -> Image.Image:
    w, h = image.size
    cw, ch = round(w * fraction), round(h * fraction)
    left, top = (w - cw) // 2, (h - ch) // 2
    return image.crop((left, top, left + cw, top + ch))


class TFLiteObserver:
    """A TFLite ImageNet classifier (uint8 or float input; 1000 or 1001 outputs).

    Models with 1001 outputs put "background" at index 0; it is dropped so
    indices are ILSVRC class indices. TFLite interpreters run one image at a time.
    """

    def __init__(self, path: Path):
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError:
            raise OdicError("TFLite observers need the 'observers' extra: pip install 'odic[observers]'") from None
        self.name = f"tflite:{Path(path).name}"
        self.interpreter = Interpreter(model_path=str(path), num_threads=1)
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]
        self.output = self.interpreter.get_output_details()[0]
        height, width = (int(v) for v in self.input["shape"][1:3])
        self.size = (height, width)

    def _prepare(self, image: Image.Image) -> np.ndarray:
        crop = _central_crop(image.convert("RGB"), 0.875).resize((self.size[1], self.size[0]),
                                                                 Image.Resampling.BILINEAR)
        x = np.asarray(crop)[None]
        if self.input["dtype"] == np.uint8:
            return x.astype(np.uint8)
        return (x.astype(np.float32) - 127.5) / 127.5

    def classify(self, images: Sequence[Image.Image]) -> Tensor:
        rows = []
        for image in images:
            self.interpreter.set_tensor(self.input["index"], self._prepare(image))
            self.interpreter.invoke()
            out = self.interpreter.get_tensor(self.output["index"])[0].astype(np.float32)
            scale, zero = self.output.get("quantization", (0.0, 0))
            if scale:
                out = (out - zero) * scale
            rows.append(out[1:] if out.shape[0] == 1001 else out)
        return torch.from_numpy(np.stack(rows))


class OnnxObserver:
    """An ONNX ImageNet classifier with torchvision-style preprocessing, batched."""

    MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
    STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

    def __init__(self, path: Path):
        try:
            import onnxruntime
        except ImportError:
            raise OdicError("ONNX observers need the 'observers' extra: pip install 'odic[observers]'") from None
        self.name = f"onnx:{Path(path).name}"
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def _prepare(self, image: Image.Image) -> np.ndarray:
        image = image.convert("RGB")
        scale = 256 / min(image.size)
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR)
        left, top = (image.width - 224) // 2, (image.height - 224) // 2
        x = np.asarray(image.crop((left, top, left + 224, top + 224)), dtype=np.float32) / 255
        return ((x - self.MEAN) / self.STD).transpose(2, 0, 1)

    def classify(self, images: Sequence[Image.Image]) -> Tensor:
        batch = np.stack([self._prepare(image) for image in images])
        (logits,) = self.session.run(None, {self.input_name: batch})
        return torch.from_numpy(logits)
