"""The shipped-weights registry: ``weights/manifest.json`` and loading by id or (α, quality).

Pretrained configurations are data, as in timm: each manifest entry names the
architecture, N, M, the training target (α, λ), the measured Kodak figures and
the sha256 of its file. A model's id in ``.odic`` headers is the first 4 bytes
of that sha256, so a decoder finds the exact weights a file was made with.

Weights are searched in the directories of ``$ODIC_WEIGHTS`` (``os.pathsep``
separated) when set, else in the package's own ``odic/weights/``, which the wheel carries, so
an installed odic codes offline.

Reading the catalogue needs neither torch nor CompressAI (``odic models`` and ``odic info``
start in a fraction of a second); loading a network imports them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from odic.errors import NoWeightsError, UnknownModelError, WeightsIntegrityError
from odic.fsutil import atomic_torch_save, atomic_write_bytes

if TYPE_CHECKING:
    from compressai.models.base import CompressionModel

    from odic.codec.codec import Codec

MANIFEST = "manifest.json"
#: The JPEG enhancers' manifest (odic enhance), beside the codecs' in the same directories.
ENHANCERS = "enhancers.json"
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "weights"

#: Observer presets of the CLI and API: α for each named observer.
OBSERVER_ALPHA = {"human": 0.0, "balanced": 0.5, "machine": 1.0}


@dataclass(frozen=True)
class ModelCard:
    """One manifest entry; ``path`` is where the file was found."""

    file: str
    sha256: str
    architecture: str
    N: int
    M: int
    alpha: float
    quality: int
    lmbda: float
    #: Rate level inside a variable-rate network (several entries share its file).
    level: int = 0
    #: 2: this quality codes the image at half size with ``level`` (see :class:`odic.codec.codec.Codec`).
    resample: int = 1
    training_data: str = ""
    steps: int = 0
    wall_s: float = 0.0
    kodak: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    path: Optional[Path] = field(default=None, compare=False)

    @property
    def model_id(self) -> bytes:
        return bytes.fromhex(self.sha256[:8])

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("path")
        return d


def search_dirs() -> list[Path]:
    env = os.environ.get("ODIC_WEIGHTS")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [DEFAULT_DIR]


def _read_manifest(directory: Path) -> list[dict[str, Any]]:
    path = directory / MANIFEST
    if not path.exists():
        return []
    return json.loads(path.read_text())["models"]


def read_enhancers(directory: Path) -> list[dict[str, Any]]:
    path = directory / ENHANCERS
    return json.loads(path.read_text())["enhancers"] if path.exists() else []


def enhancers() -> list[dict[str, Any]]:
    """The installed enhancers' manifest entries, each with the ``path`` its file was found at."""
    return [{**e, "path": d / e["file"]} for d in search_dirs() for e in read_enhancers(d)]


def available() -> list[ModelCard]:
    """All models in the search directories, sorted by (α, quality)."""
    names = {f.name for f in dataclasses.fields(ModelCard)} - {"path"}
    cards = [
        ModelCard(**{k: v for k, v in entry.items() if k in names}, path=directory / entry["file"])
        for directory in search_dirs()
        for entry in _read_manifest(directory)
    ]
    return sorted(cards, key=lambda c: (c.alpha, c.quality))


def find(alpha: float = 0.0, quality: Optional[int] = None) -> ModelCard:
    """The model for an observer weight α and a quality index.

    Without ``quality`` the middle quality for that α is used. α must match a
    shipped model (to 0.01): a silently substituted α would mislead.
    """
    cards = available()
    if not cards:
        raise NoWeightsError(
            "no odic weights are installed (looked in " + ", ".join(map(str, search_dirs())) + "; set ODIC_WEIGHTS)"
        )
    same_alpha = [c for c in cards if abs(c.alpha - alpha) < 0.005]
    if not same_alpha:
        have = ", ".join(sorted({f"{c.alpha:g}" for c in cards}))
        raise UnknownModelError(f"no model for alpha={alpha:g} (available: {have})")
    if quality is None:
        return same_alpha[len(same_alpha) // 2]
    for card in same_alpha:
        if card.quality == quality:
            return card
    have = ", ".join(str(c.quality) for c in same_alpha)
    raise UnknownModelError(f"no model for alpha={alpha:g} quality={quality} (available: {have})")


def by_id(model_id: bytes, quality: int) -> ModelCard:
    """The model a file was written with (its header's model id and quality)."""
    cards = [c for c in available() if c.model_id == model_id]
    if not cards:
        raise UnknownModelError(f"unknown model id {model_id.hex()}: the weights this file needs are not installed")
    for card in cards:
        if card.quality == quality:
            return card
    # A quality can move to another file when new weights replace only some qualities of an α.
    have = ", ".join(str(c.quality) for c in cards)
    raise UnknownModelError(f"model {model_id.hex()} has no quality {quality} here (it codes {have}): "
                            "the weights this file was written with are not installed")


def shipped_lineage(sha256: str) -> list[dict[str, Any]]:
    """The fine-tuning chain the manifest records for the shipped weights with this sha256; [] if none.

    Why: a shipped weights file is a bare state dict, so the runs that made it live only in its
    manifest entry (``extra["lineage"]``); a run fine-tuned from the file continues that chain.
    """
    return next((list(card.extra.get("lineage", [])) for card in available() if card.sha256 == sha256), [])


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_MODELS: dict[tuple[Path, str], CompressionModel] = {}
_CODECS: dict[tuple[Path, str, int], Codec] = {}


def load(card: ModelCard) -> Codec:
    """A ready codec for ``card`` (cached: decoding many files loads weights once,
    and the qualities of a variable-rate network share one copy of it)."""
    assert card.path is not None
    key = (card.path, card.sha256, card.quality)
    if key not in _CODECS:
        _CODECS[key] = _codec(card, _model(card))
    return _CODECS[key]


def _codec(card: ModelCard, model: CompressionModel) -> Codec:
    from odic.codec.codec import Codec
    from odic.codec.models import get_architecture

    return Codec(model, get_architecture(card.architecture), card.model_id, card.alpha, card.quality, card.level,
                 card.resample)


def _model(card: ModelCard) -> CompressionModel:
    assert card.path is not None
    key = (card.path, card.sha256)
    if key not in _MODELS:
        _MODELS[key] = read_weights(card)
    return _MODELS[key]


def read_weights(card: ModelCard) -> CompressionModel:
    """Load ``card``'s network from disk, uncached, after checking its sha256."""
    assert card.path is not None
    if not card.path.exists():
        raise UnknownModelError(f"weights file {card.path} listed in the manifest is missing")
    if sha256_file(card.path) != card.sha256:
        raise WeightsIntegrityError(f"{card.path} does not match its manifest sha256")
    import torch

    from odic.codec.models import create_model

    state = torch.load(card.path, map_location="cpu", weights_only=True)
    model = create_model(card.architecture, card.N, card.M)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    return model


@dataclass(frozen=True)
class Rate:
    """One operating point of an exported network: quality index, λ, level, resampling, Kodak figures."""

    quality: int
    lmbda: float
    level: int = 0
    resample: int = 1
    kodak: dict[str, float] = field(default_factory=dict)


def export(
    model: CompressionModel,
    directory: Path,
    *,
    name: str,
    architecture: str,
    N: int,
    M: int,
    alpha: float,
    rates: list[Rate],
    half: bool = False,
    **meta: Any,
) -> list[ModelCard]:
    """Write ``model``'s weights into ``directory`` with one manifest entry per rate.

    Updates the entropy models' CDF tables first, so the file is ready to code.
    ``half`` stores floating tensors as fp16. Existing entries with the same
    (α, quality) or the same file name are replaced.
    """
    directory.mkdir(parents=True, exist_ok=True)
    model.update(force=True)
    state = {
        k: (v.half() if half and v.is_floating_point() else v).detach().cpu().contiguous()
        for k, v in model.state_dict().items()
    }
    path = directory / f"{name}.pt"
    atomic_torch_save(state, path)
    names = {f.name for f in dataclasses.fields(ModelCard)}
    digest = sha256_file(path)
    cards = [
        ModelCard(
            file=path.name, sha256=digest, architecture=architecture, N=N, M=M, alpha=alpha,
            quality=rate.quality, lmbda=rate.lmbda, level=rate.level, resample=rate.resample, kodak=rate.kodak,
            **{k: v for k, v in meta.items() if k in names},
            extra={k: v for k, v in meta.items() if k not in names},
            path=path,
        )
        for rate in rates
    ]
    replaced = {(alpha, rate.quality) for rate in rates}
    entries = [
        e for e in _read_manifest(directory) if (e["alpha"], e["quality"]) not in replaced and e["file"] != path.name
    ]
    entries += [card.to_json() for card in cards]
    entries.sort(key=lambda e: (e["alpha"], e["quality"]))
    manifest = {"format": 1, "models": entries}
    atomic_write_bytes(directory / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    return cards
