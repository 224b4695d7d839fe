"""raw.sources: what each registered source module declares about itself (its leaders and
their terms, country, office, clock, licence and attribution), written whenever the writer
opens the build warehouse, so the models and the publications never name a source."""

from __future__ import annotations

import duckdb

from flows.sources import SOURCE_NAMES, get_source


def declared_sources() -> list[tuple]:
    rows = []
    for name in SOURCE_NAMES:
        source = get_source(name)
        for leader in source.leaders:
            rows.append(
                (
                    name,
                    leader.name,
                    leader.surname,
                    leader.start,
                    leader.end,
                    source.country_code,
                    source.office,
                    source.clock_time_zone,
                    source.licence,
                    source.attribution,
                )
            )
    return rows


def record_sources(con: duckdb.DuckDBPyConnection) -> None:
    """Replaces raw.sources with the declarations (inside the caller's transaction)."""
    con.execute("DELETE FROM raw.sources")
    con.executemany(
        "INSERT INTO raw.sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", declared_sources()
    )
