"""Builds a warehouse from the real corpus in ../shared/corpus (served as feed pages on
127.0.0.1, through the real flow) and prints what the tone marts answer, as markdown.

    .venv/bin/python scripts/corpus_tables.py [DATA_DIR]    (default data/corpus)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import prefect_env  # noqa: E402

prefect_env.configure(ROOT / ".prefect")

import duckdb  # noqa: E402

from flows.demo.atom_pages import paginate  # noqa: E402
from flows.demo.server import FeedServer, feed_paths  # noqa: E402
from flows.settings import Settings  # noqa: E402
from flows.sources.kremlin.source import KremlinSource  # noqa: E402
from tests.corpus_feed import corpus_items  # noqa: E402

BY_COUNTRY = """
with calls as (
    select k.counterpart_key, t.has_descriptor::int as described,
           t.call_date < date '2022-02-24' as before
    from marts.call_tone t
    join intermediate.int_call_counterpart_keys k using (source, item_id)
)
select
    counterpart_key,
    count(*) filter (where before) as calls_before,
    round(avg(described) filter (where before), 2) as share_before,
    count(*) filter (where not before) as calls_from,
    round(avg(described) filter (where not before), 2) as share_from
from calls
group by 1 having count(*) >= 4
order by count(*) desc, 1
"""
OVERALL = """
select
    case when call_date < date '2022-02-24' then 'before 24 Feb 2022' else 'from 24 Feb 2022' end,
    count(*), count(*) filter (where has_descriptor),
    round(avg(has_descriptor::int), 2),
    count(*) filter (where expressed_satisfaction)
from marts.call_tone group by 1 order by 1
"""


def _table(headers: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    from flows.pipeline import run_flow

    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "corpus"
    pages = feed_paths(paginate(corpus_items()), KremlinSource.feed_path)
    with FeedServer(pages) as server:
        settings = Settings(
            source="kremlin", base_url=server.base_url, data_dir=data_dir, pause_seconds=0
        )
        run_flow(settings)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        print(
            _table(
                ["period", "calls", "with a descriptor", "share", "satisfaction"],
                con.execute(OVERALL).fetchall(),
            )
        )
        print()
        print(
            _table(
                [
                    "counterpart",
                    "calls before",
                    "share with descriptor",
                    "calls from",
                    "share with descriptor",
                ],
                con.execute(BY_COUNTRY).fetchall(),
            )
        )


if __name__ == "__main__":
    main()
