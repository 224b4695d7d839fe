"""Sources of readouts, by name. A new source: a module implementing
flows/core/source.py, its rule files under sql/seeds/<name>/, and a line here."""

from __future__ import annotations

from pathlib import Path

from flows.core.source import Source
from flows.settings import REFERENCE_DIR

SOURCE_NAMES = ("kremlin", "whitehouse", "kremlin_ru")


def get_source(name: str, reference_dir: Path = REFERENCE_DIR) -> Source:
    from flows.normalize.reference import Reference

    if name == "kremlin":
        from flows.sources.kremlin.source import KremlinSource

        return KremlinSource(Reference(reference_dir))
    if name == "whitehouse":
        from flows.sources.whitehouse.source import WhiteHouseSource

        return WhiteHouseSource(Reference(reference_dir))
    if name == "kremlin_ru":
        from flows.sources.kremlin_ru.source import KremlinRuSource

        return KremlinRuSource(Reference(reference_dir))
    raise ValueError(f"unknown source {name!r}; known sources: {', '.join(SOURCE_NAMES)}")
