"""Sources of readouts, by name."""

from __future__ import annotations

from flows.sources.base import Source


def get_source(name: str) -> Source:
    if name == "kremlin":
        from flows.sources.kremlin.source import KremlinSource

        return KremlinSource()
    raise ValueError(f"unknown source {name!r}; known sources: kremlin")
