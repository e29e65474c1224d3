"""The shipped-weights registry: ``weights/manifest.json`` and loading by id or (α, quality).

Every shipped network, a codec's or a JPEG enhancer's, has one manifest record
(:class:`WeightsRecord`: file, sha256, training cost), read, written and checked one way;
codecs list theirs in ``manifest.json`` (:class:`ModelCard`), enhancers in ``enhancers.json``
(:class:`EnhancerCard`). A manifest entry is one weights file: what its records share (file,
lineage, architecture) appears once, and a variable-rate network's operating points are listed under
``points``; an entry without ``points`` (format 1) is one record.

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
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from odic.codec.bitstream import QUALITY_STEPS
from odic.errors import NoWeightsError, UnknownModelError, WeightsIntegrityError
from odic.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from compressai.models.base import CompressionModel

    from odic.codec.codec import Codec
    from odic.codec.nets import Hyperprior, Level

MANIFEST = "manifest.json"
#: The JPEG enhancers' manifest (odic enhance), beside the codecs' in the same directories.
ENHANCERS = "enhancers.json"
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "weights"

#: Observer presets of the CLI and API: α for each named observer.
OBSERVER_ALPHA = {"human": 0.0, "balanced": 0.5, "machine": 1.0}


@dataclass(frozen=True, kw_only=True)
class WeightsRecord:
    """What a manifest says of one shipped network; ``path`` is where its file was found."""

    #: The manifest file the records of this kind live in, and its list's key.
    MANIFEST: ClassVar[str]
    KEY: ClassVar[str]
    #: The fields that differ between records of one file; the manifest lists them per point.
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ()

    file: str
    sha256: str
    #: Training steps and seconds over the network's whole lineage.
    steps: int = 0
    wall_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)

    @classmethod
    def from_json(cls: type[R], entry: dict[str, Any], directory: Path) -> R:
        names = {f.name for f in dataclasses.fields(cls)} - {"path"}
        known = {k: v for k, v in entry.items() if k in names}
        unknown = {k: v for k, v in entry.items() if k not in names}
        return cls(**{**known, "extra": {**known.get("extra", {}), **unknown}}, path=directory / entry["file"])

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("path")
        return d

    def load_state(self) -> dict[str, Any]:
        """The file's state dict, after checking it is the file the manifest lists."""
        assert self.path is not None
        return load_verified(self.path, self.sha256)


R = TypeVar("R", bound=WeightsRecord)


def read_records(kind: type[R], directory: Path) -> list[R]:
    """The records of one kind that ``directory``'s manifest lists (none without a manifest)."""
    path = directory / kind.MANIFEST
    if not path.exists():
        return []
    return [kind.from_json(entry, directory) for entry in flat_entries(json.loads(path.read_text())[kind.KEY])]


def flat_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A manifest's entries one per record: each operating point with what its file's entry shares."""
    return [{**{k: v for k, v in entry.items() if k != "points"}, **point}
            for entry in entries for point in entry.get("points") or [{}]]


def write_records(kind: type[R], directory: Path, records: list[R]) -> None:
    """Write ``directory``'s manifest of one kind; a weights file no record names is removed, so a
    directory (and the wheel built from it) holds only what its manifests ship."""
    before = {r.file for r in read_records(kind, directory)}
    entries: dict[str, dict[str, Any]] = {}
    for record in records:
        shared = record.to_json()
        point = {k: shared.pop(k) for k in kind.POINT_FIELDS}
        entry = entries.setdefault(record.file, {**shared, "points": []} if kind.POINT_FIELDS else shared)
        if {k: v for k, v in entry.items() if k != "points"} != shared:
            raise ValueError(f"records of {record.file} disagree on what they share")
        if kind.POINT_FIELDS:
            entry["points"].append(point)
        elif entry is not shared:
            raise ValueError(f"{record.file} has two records")
    manifest = {"format": 2, kind.KEY: list(entries.values())}
    atomic_write_bytes(directory / kind.MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    for orphan in before - {r.file for r in records}:
        (directory / orphan).unlink(missing_ok=True)


def installed(kind: type[R]) -> list[R]:
    """Every record of one kind in the search directories."""
    return [r for directory in search_dirs() for r in read_records(kind, directory)]


@dataclass(frozen=True, kw_only=True)
class OperatingPoint:
    """One rate of a network: what training cycles through, export ships and a card records."""

    #: The quality users pick (1 is the lowest); a card that :func:`find` or :func:`by_id` derives
    #: for a quality between two shipped ones carries that quality, a mix of levels and no figures.
    quality: float
    #: The λ the rate trains with.
    lmbda: float
    #: Rate level inside a variable-rate network (quality q trains level q − 1), or a mix of two.
    level: Level = 0
    #: 2: this quality codes the image at half size with ``level`` (see :class:`odic.codec.codec.Codec`).
    resample: int = 1
    #: Kodak bpp / PSNR / MS-SSIM through real files, measured at export.
    kodak: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ModelCard(OperatingPoint, WeightsRecord):
    """One codec manifest entry: a network at one shipped quality."""

    MANIFEST: ClassVar[str] = MANIFEST
    KEY: ClassVar[str] = "models"
    POINT_FIELDS: ClassVar[tuple[str, ...]] = tuple(f.name for f in dataclasses.fields(OperatingPoint))

    architecture: str
    N: int
    M: int
    alpha: float
    training_data: str = ""

    @property
    def model_id(self) -> bytes:
        return bytes.fromhex(self.sha256[:8])


@dataclass(frozen=True, kw_only=True)
class EnhancerCard(WeightsRecord):
    """One enhancer manifest entry (:mod:`odic.enhance`)."""

    MANIFEST: ClassVar[str] = ENHANCERS
    KEY: ClassVar[str] = "enhancers"

    name: str
    #: "plain" or "recognition".
    kind: str
    channels: int
    layers: int
    #: The codec whose decoded pictures it cleans up, and that codec's qualities it trained on.
    codec: str
    qualities: list[int]
    #: The classifier of a recognition enhancer's feature loss.
    observer: str | None = None


def find_enhancer(name: str | None = None) -> EnhancerCard:
    """An installed enhancer by name (default: the first recognition-aware one)."""
    cards = installed(EnhancerCard)
    wanted = [c for c in cards if c.name == name] if name else [c for c in cards if c.kind == "recognition"]
    if not wanted:
        known = ", ".join(c.name for c in cards) or "none installed"
        raise UnknownModelError(f"no enhancer {name or '(recognition)'} (known: {known})")
    return wanted[0]


def search_dirs() -> list[Path]:
    env = os.environ.get("ODIC_WEIGHTS")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [DEFAULT_DIR]


def available() -> list[ModelCard]:
    """All codec models in the search directories, sorted by (α, quality)."""
    return sorted(installed(ModelCard), key=lambda c: (c.alpha, c.quality))


def shipped(alpha: float) -> list[ModelCard]:
    """The shipped qualities of the observer weight α, by quality. α must match a shipped model
    (to 0.01): a silently substituted α would mislead."""
    cards = available()
    if not cards:
        raise NoWeightsError(
            "no odic weights are installed (looked in " + ", ".join(map(str, search_dirs())) + "; set ODIC_WEIGHTS)"
        )
    same_alpha = [c for c in cards if abs(c.alpha - alpha) < 0.005]
    if not same_alpha:
        have = ", ".join(sorted({f"{c.alpha:g}" for c in cards}))
        raise UnknownModelError(f"no model for alpha={alpha:g} (available: {have})")
    return same_alpha


def find(alpha: float = 0.0, quality: float | None = None) -> ModelCard:
    """The model for an observer weight α and a quality.

    Without ``quality`` the middle quality for that α is used (α as :func:`shipped` takes it).
    A quality between the lowest and highest shipped one is coded by the network of the shipped
    quality above it (:func:`between`), rounded to the header's 1/256 steps.
    """
    same_alpha = shipped(alpha)
    if quality is None:
        return same_alpha[len(same_alpha) // 2]
    quality = round(quality * QUALITY_STEPS) / QUALITY_STEPS
    for card in same_alpha:
        if card.quality == quality:
            return card
    above = next((c for c in same_alpha if c.quality > quality), None)
    if above is None or quality < same_alpha[0].quality:
        have = ", ".join(f"{c.quality:g}" for c in same_alpha)
        raise UnknownModelError(f"no model for alpha={alpha:g} quality={quality:g} (shipped: {have}; "
                                f"any quality from {same_alpha[0].quality:g} to {same_alpha[-1].quality:g} works)")
    return between([c for c in same_alpha if c.path == above.path], quality)


#: How far below a change of picture size (or of network) the quality above it extrapolates its
#: gains, in GainMix.t per quality unit. Chosen on held-back training photos so that the rate
#: runs on without a jump from the shipped quality below (experiments/rate/gap.txt).
GAP_REACH = 1.75


def between(cards: list[ModelCard], quality: float) -> ModelCard:
    """The card for ``quality``, between two of ``cards`` (one network's shipped qualities).

    The decoder derives it from the network's own cards alone, so a file decodes with the gains
    it was coded with whatever other networks are installed. Between two qualities of one
    picture size the gains interpolate; less than one quality below the lowest quality of a
    picture size they extrapolate the line to the quality above it by ``GAP_REACH`` per unit.
    """
    from odic.codec.nets import GainMix

    cards = sorted(cards, key=lambda c: c.quality)
    above = next((c for c in cards if c.quality > quality), None)
    below = next((c for c in reversed(cards) if c.quality < quality), None)
    if above is None:
        raise UnknownModelError(f"quality {quality:g} is above every quality of model {cards[-1].model_id.hex()}")
    assert isinstance(above.level, int)
    if below is not None and below.resample == above.resample:
        assert isinstance(below.level, int)
        mix = GainMix(below.level, above.level, (quality - below.quality) / (above.quality - below.quality))
    else:
        next_up = next((c for c in cards if c.quality > above.quality and c.resample == above.resample), None)
        if next_up is None or quality <= above.quality - 1:
            raise UnknownModelError(f"model {above.model_id.hex()} reaches no lower than one quality below "
                                    f"{above.quality:g} at its picture size")
        assert isinstance(next_up.level, int)
        mix = GainMix(above.level, next_up.level, (quality - above.quality) * GAP_REACH)
    return dataclasses.replace(above, quality=quality, level=mix, lmbda=0.0, kodak={})


def by_id(model_id: bytes, quality: float) -> ModelCard:
    """The model a file was written with (its header's model id and quality)."""
    cards = [c for c in available() if c.model_id == model_id]
    if not cards:
        raise UnknownModelError(f"unknown model id {model_id.hex()}: the weights this file needs are not installed")
    for card in cards:
        if card.quality == quality:
            return card
    try:
        return between(cards, quality)
    except UnknownModelError:
        # A quality can move to another file when new weights replace only some qualities of an α.
        have = ", ".join(f"{c.quality:g}" for c in sorted(cards, key=lambda c: c.quality))
        raise UnknownModelError(f"model {model_id.hex()} has no quality {quality:g} here (it codes {have}): "
                                "the weights this file was written with are not installed") from None


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


_MODELS: dict[tuple[Path, str], Hyperprior] = {}
_CODECS: dict[tuple[Path, str], Codec] = {}


def load(card: ModelCard) -> Codec:
    """A ready codec for ``card``. Cached per weights file: decoding many files loads weights once,
    and every quality of a variable-rate network shares one copy of it and of its exact tables."""
    assert card.path is not None
    key = (card.path, card.sha256)
    if key not in _CODECS:
        _CODECS[key] = _codec(card, _model(card))
    return _CODECS[key].at(card.quality, card.level, card.resample)


def _codec(card: ModelCard, model: Hyperprior) -> Codec:
    from odic.codec.codec import Codec
    from odic.codec.models import get_architecture

    return Codec(model, get_architecture(card.architecture), card.model_id, card.alpha, card.quality, card.level,
                 card.resample)


def _model(card: ModelCard) -> Hyperprior:
    assert card.path is not None
    key = (card.path, card.sha256)
    if key not in _MODELS:
        _MODELS[key] = read_weights(card)
    return _MODELS[key]


def load_verified(path: Path, sha256: str) -> dict[str, Any]:
    """The state dict in ``path``, a file a manifest lists with ``sha256``, after checking it is
    that file: one check, one error, for every shipped network (codecs and enhancers)."""
    if not path.exists():
        raise UnknownModelError(f"weights file {path} listed in the manifest is missing")
    if sha256_file(path) != sha256:
        raise WeightsIntegrityError(f"{path} does not match its manifest sha256")
    import torch

    return torch.load(path, map_location="cpu", weights_only=True)


def read_weights(card: ModelCard) -> Hyperprior:
    """Load ``card``'s network (for coding) from disk, uncached, after checking its sha256."""
    from odic.codec.models import create_coder

    return create_coder(card.architecture, card.N, card.M, card.load_state())


def export(
    model: CompressionModel,
    directory: Path,
    *,
    name: str | None = None,
    architecture: str,
    N: int,
    M: int,
    alpha: float,
    points: list[OperatingPoint],
    half: bool = False,
    **meta: Any,
) -> list[ModelCard]:
    """Write ``model``'s weights into ``directory`` with one manifest entry per operating point.

    Updates the entropy models' CDF tables first, so the file is ready to code.
    ``half`` stores floating tensors as fp16. The file is named by what it holds,
    ``odic-a<α>-<model id>.pt``, unless ``name`` says otherwise. Existing entries with the
    same (α, quality) or the same file name are replaced, and a weights file that no entry
    names any more is removed (so a directory, and the wheel built from it, holds only what
    its manifest ships).
    """
    directory.mkdir(parents=True, exist_ok=True)
    model.update(force=True)
    state = {
        k: (v.half() if half and v.is_floating_point() else v).detach().cpu().contiguous()
        for k, v in model.state_dict().items()
    }
    import torch

    buffer = io.BytesIO()
    torch.save(state, buffer)
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()
    path = directory / f"{name or f'odic-a{alpha:g}-{digest[:8]}'}.pt"
    atomic_write_bytes(path, buffer.getvalue())
    names = {f.name for f in dataclasses.fields(ModelCard)}
    cards = [
        ModelCard(
            file=path.name, sha256=digest, architecture=architecture, N=N, M=M, alpha=alpha,
            **{f.name: getattr(point, f.name) for f in dataclasses.fields(OperatingPoint)},
            **{k: v for k, v in meta.items() if k in names},
            extra={k: v for k, v in meta.items() if k not in names},
            path=path,
        )
        for point in points
    ]
    replaced = {(alpha, point.quality) for point in points}
    kept = [c for c in read_records(ModelCard, directory)
            if (c.alpha, c.quality) not in replaced and c.file != path.name]
    write_records(ModelCard, directory, sorted(kept + cards, key=lambda c: (c.alpha, c.quality)))
    return cards
