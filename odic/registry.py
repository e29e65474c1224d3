"""One typed registry for every pluggable part: codecs, distortions, architectures.

Like timm's and CompressAI's registries: entries register themselves by name at import, lookups
by an unknown name fail with the list of known names, and names are unique.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from odic.errors import OdicError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, T] = {}

    def add(self, name: str, entry: T) -> T:
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise OdicError(f"unknown {self.kind} {name!r} (known: {', '.join(self.names())})") from None

    def names(self) -> list[str]:
        """Names in registration order (the order plans and tables follow)."""
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries
