"""raw.sources: what each registered source module declares about itself (its leaders and
their terms, country, office, clock, licence and attribution), written with the schema
(flows/load/warehouse.py), so the models and the publications never name a source."""

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
    """raw.sources as the modules declare them, rewritten only when they differ (in the
    caller's transaction, if any)."""
    declared = declared_sources()
    stored = con.execute("SELECT * FROM raw.sources").fetchall()
    if sorted(map(repr, stored)) == sorted(map(repr, declared)):
        return
    con.execute("DELETE FROM raw.sources")
    con.executemany("INSERT INTO raw.sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", declared)
