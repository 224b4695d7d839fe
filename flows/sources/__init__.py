"""Sources of readouts, by name."""

from __future__ import annotations

from pathlib import Path

from flows.settings import REFERENCE_DIR
from flows.sources.base import Source


def get_source(name: str, reference_dir: Path = REFERENCE_DIR) -> Source:
    if name == "kremlin":
        from flows.normalize.reference import Reference
        from flows.sources.kremlin.source import KremlinSource

        return KremlinSource(Reference(reference_dir))
    raise ValueError(f"unknown source {name!r}; known sources: kremlin")
