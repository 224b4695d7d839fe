"""The build step is `dbt build` on the writer's warehouse: a failing model or test fails
the run (exit 5, its name and DuckDB's message in one line) and publishes nothing, the next
run builds again, an edited seed reshapes the marts without re-extraction, and dbt's docs
(every mart and column described, the docs site) are current."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import duckdb
import pytest
import yaml

from flows.cli import main
from flows.publish.dbt_docs import docs_site_path
from flows.settings import PROJECT_ROOT, SEEDS, SQL_DIR
from flows.transform.fingerprint import marts_are_current, models_fingerprint
from tests.flows.helpers import query

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_copy(demo_run, tmp_path):
    """The demo's data and dbt project (its seeds are the reference data) copied, so that a
    test may break them; the run builds with the copied project."""
    settings, _ = demo_run
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("*.lock", "dbt"))
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql, ignore=shutil.ignore_patterns("target", "logs"))
    return settings.with_(data_dir=data, dbt_project=sql), sql, sql / SEEDS


def test_a_failing_model_fails_the_run_names_it_and_publishes_nothing(demo_copy):
    from flows.pipeline import build_flow

    settings, sql, _ = demo_copy
    published = _sha(settings.warehouse_path)
    model = sql / "models" / "marts" / "calls.sql"
    good = model.read_text()
    model.write_text(good.replace("call_scope,", "no_such_column,"))
    summary = build_flow(settings)
    assert (summary.status, summary.exit_code) == ("failed", 5)
    assert "model marts.calls (models/marts/calls.sql) failed" in summary.message
    assert "Binder Error" in summary.message and "no_such_column" in summary.message
    assert "\n" not in summary.message
    assert _sha(settings.warehouse_path) == published
    with duckdb.connect(str(settings.build_path), read_only=True) as con:
        assert not marts_are_current(con, models_fingerprint(sql))
    model.write_text(good)
    again = build_flow(settings)
    models = len(list((sql / "models").rglob("*.sql")))
    assert (again.status, again.models_built) == ("success", models)
    assert again.tests_passed > 60


CALLS_REFUSED = "model marts.calls (models/marts/calls.sql) failed"
_EVERY_CALL_TWICE = "(select * from {0} union all select * from {0})".format(
    "{{ ref('int_call_items') }}"
)
# (what calls.sql says instead, what it says it with, what the run's message must say)
CONTRACT_BREACHES = [
    # a NULL in a not_null column
    (
        "    published_at,",
        "    null::timestamptz as published_at,",
        (CALLS_REFUSED, "NOT NULL constraint failed", "published_at"),
    ),
    # a value outside the column's accepted values (its check constraint)
    (
        "    kind as call_kind,",
        "    'fax' as call_kind,",
        (CALLS_REFUSED, "CHECK constraint failed", "call_kind"),
    ),
    # every call twice: the table's grain (its primary key) broken
    ("{{ ref('int_call_items') }}", _EVERY_CALL_TWICE, (CALLS_REFUSED, "duplicate key")),
    # a column of another type than its contract says: dbt refuses before writing
    (
        "published_date_local as call_date",
        "published_at as call_date",
        ("enforced contract", "data type mismatch", "call_date"),
    ),
]


def test_a_null_a_value_a_key_or_a_type_a_contract_forbids_fails_the_run_and_names_the_model(
    demo_copy,
):
    """The tables' contracts (one schema, in each model's .yml): DuckDB refuses a NULL in a
    not_null column, a value a check constraint excludes or a second row with the same
    primary key as the model writes it, and dbt a column of another type before."""
    from flows.pipeline import build_flow

    settings, sql, _ = demo_copy
    published = _sha(settings.warehouse_path)
    model = sql / "models" / "marts" / "calls.sql"
    good = model.read_text()
    for said, instead, phrases in CONTRACT_BREACHES:
        model.write_text(good.replace(said, instead, 1))
        summary = build_flow(settings)
        assert (summary.status, summary.exit_code) == ("failed", 5), instead
        for phrase in phrases:
            assert phrase in summary.message, (phrase, summary.message)
        assert _sha(settings.warehouse_path) == published


def test_a_failing_dbt_test_fails_the_run_and_publishes_nothing(demo_copy):
    from flows.pipeline import build_flow

    settings, sql, _ = demo_copy
    published = _sha(settings.warehouse_path)
    (sql / "tests" / "assert_no_call_with_finland.sql").write_text(
        "select item_id from {{ ref('call_counterparts') }} where country_code = 'FI'\n"
    )
    summary = build_flow(settings)
    assert (summary.status, summary.exit_code) == ("failed", 5)
    assert summary.message.startswith("dbt test assert_no_call_with_finland")
    assert "offending rows" in summary.message
    assert _sha(settings.warehouse_path) == published


def test_an_edited_lexicon_row_reshapes_the_marts_without_re_extraction(demo_copy):
    from flows.pipeline import build_flow

    settings, _, reference = demo_copy
    before = query(
        settings.warehouse_path,
        "select count(*) from marts.tone_evidence where label = 'constructive'",
    )[0][0]
    assert before > 0
    raw = sorted(p.name for p in (settings.data_dir / "raw").rglob("*") if p.is_file())
    # the canonical descriptor goes, and with it every source's own spellings of it (a
    # source's lexicon maps to the shared labels: a dbt test fails on a label it lacks)
    for lexicon in [reference / "tone_lexicon.csv", *reference.glob("*/*__tone_lexicon.csv")]:
        lexicon.write_text(
            "\n".join(
                line
                for line in lexicon.read_text().splitlines()
                if not line.startswith("constructive,")
            )
            + "\n"
        )
    summary = build_flow(settings)
    assert summary.status == "success", summary.message
    assert query(
        settings.warehouse_path,
        "select count(*) from marts.tone_evidence where label = 'constructive'",
    ) == [(0,)]
    assert sorted(p.name for p in (settings.data_dir / "raw").rglob("*") if p.is_file()) == raw


def test_every_model_and_column_is_described_and_matches_the_warehouse(demo_run):
    settings, _ = demo_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        actual = {
            table: columns
            for table, columns in con.execute(
                "select table_name, list(column_name order by column_index) from "
                "duckdb_columns() where schema_name in ('staging', 'intermediate', 'marts') "
                "group by all"
            ).fetchall()
        }
        undescribed = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where schema_name in ('staging', 'intermediate', 'marts') "
            "and coalesce(comment, '') = ''"
        ).fetchall()
    assert undescribed == []
    for model in SQL_DIR.glob("models/*/*.sql"):
        documented = yaml.safe_load(model.with_suffix(".yml").read_text())["models"]
        assert [m["name"] for m in documented] == [model.stem]
        assert documented[0]["description"].strip()
        assert [c["name"] for c in documented[0]["columns"]] == actual[model.stem], model
        assert all(c["description"].strip() for c in documented[0]["columns"])


def test_staging_models_are_views_and_the_layers_above_them_tables(demo_run):
    """A build copies no text into staging: its models are views over raw.* and the seeds."""
    settings, _ = demo_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        kinds = dict(
            con.execute(
                "select schema_name, list(distinct kind) from ("
                "  select schema_name, 'view' as kind from duckdb_views() where not internal"
                "  union all select schema_name, 'table' from duckdb_tables()"
                ") where schema_name in ('staging', 'intermediate', 'marts') group by all"
            ).fetchall()
        )
    assert kinds == {"staging": ["view"], "intermediate": ["table"], "marts": ["table"]}


def test_readouts_docs_writes_the_docs_site_with_every_mart_and_its_lineage(demo_copy, monkeypatch):
    settings, _, reference = demo_copy
    monkeypatch.setenv("READOUTS_DBT_PROJECT", str(reference.parent))
    assert main(["docs", "--data-dir", str(settings.data_dir)]) == 0
    html = docs_site_path(settings).read_text()
    for mart in SQL_DIR.glob("models/marts/*.sql"):
        assert f"model.readouts.{mart.stem}" in html
    assert '"parent_map"' in html and "Moscow" in html
    # one file that opens offline: no script or stylesheet loaded from elsewhere
    assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=[\"']?(?:https?:)?//", html)


def test_the_documented_dbt_commands_parse_and_build_the_project(demo_copy, tmp_path):
    """The commands docs/models.md gives, as written there: from sql/, against a copy of
    the demo's build warehouse."""
    settings, _, _ = demo_copy
    readme = (PROJECT_ROOT / "docs" / "models.md").read_text()
    flags = "--profiles-dir . --target-path ../data/dbt/target --log-path ../data/dbt/logs"
    for command in ("parse", "build"):
        line = f"READOUTS_DBT_PATH=../data/demo/build/readouts.duckdb dbt {command} {flags}"
        assert line in readme
        result = subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "dbt"), command, *flags.split()],
            cwd=SQL_DIR,
            env={
                "PATH": "/usr/bin:/bin",
                "HOME": str(tmp_path),
                "READOUTS_DBT_PATH": str(settings.build_path),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            },
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
