"""The `readouts` command line."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from flows import prefect_env
from flows.ops.outcomes import (
    EXIT_BUSY,
    EXIT_OK,
    ExpectedFailure,
    WarehouseBusy,
)
from flows.run_command import run_command, say
from flows.settings import ALL_SOURCES, PROJECT_ROOT, Settings, from_environment
from flows.sources import SOURCE_NAMES

EXIT_QUERY = 1  # the query failed or was refused; the message says why
EXIT_DATA_MISSING = 1


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from error


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an http(s) URL with a host, e.g. https://example.org"
        )
    return value


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--data-dir", type=Path, help="root of data/ (env READOUTS_DATA_DIR)")
    sub.add_argument(
        "--warehouse",
        type=Path,
        help="DuckDB file (env READOUTS_WAREHOUSE; default DATA_DIR/warehouse/readouts.duckdb)",
    )


def _run_parser(commands) -> None:
    run = commands.add_parser("run", help="extract, normalise, validate, load, build the marts")
    _common(run)
    run.add_argument(
        "--source",
        choices=(*SOURCE_NAMES, ALL_SOURCES),
        help="which government's readouts (env READOUTS_SOURCE; default all: each source in "
        "turn, a failing one not stopping the others)",
    )
    run.add_argument("--base-url", type=_base_url, help="source site (env READOUTS_BASE_URL)")
    run.add_argument(
        "--feed-path",
        help="the feed's path on the site (default: the source's; env READOUTS_FEED_PATH)",
    )
    run.add_argument("--since", type=_date, help="backfill back to this date (YYYY-MM-DD)")
    run.add_argument("--until", type=_date, help="with --since: backfill only up to this date")
    run.add_argument(
        "--pause",
        type=float,
        dest="pause_seconds",
        help="seconds between requests (default 1; env READOUTS_PAUSE_SECONDS)",
    )
    run.add_argument("--max-pages", type=int, help="fetch at most this many pages")
    run.add_argument(
        "--page-budget",
        type=int,
        help="a walk reading more pages than this stops as a source failure (default: the "
        "source's, sized for a full backfill; env READOUTS_PAGE_BUDGET)",
    )
    run.add_argument(
        "--byte-budget-mb",
        type=int,
        help="the same for megabytes read (env READOUTS_BYTE_BUDGET_MB)",
    )
    run.add_argument(
        "--reprocess",
        action="store_true",
        default=None,
        help="normalise every landed page again (after editing sql/seeds/*.csv)",
    )
    run.add_argument(
        "--retry-set-aside",
        action="store_true",
        default=None,
        help="try again the pages set aside after failing validation in several runs",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readouts",
        description="A data warehouse of the official readouts of leaders' phone calls.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    _run_parser(commands)

    rebuild = commands.add_parser(
        "rebuild",
        help="set the build warehouse aside and rebuild it from the raw zone (no fetching)",
    )
    _common(rebuild)

    build = commands.add_parser("build", help="rebuild the SQL models from what is loaded")
    _common(build)

    docs = commands.add_parser(
        "docs",
        help="write dbt's docs site (models, columns, tests, lineage) beside the warehouse",
    )
    _common(docs)

    demo = commands.add_parser(
        "demo", help="run the real flow on the bundled sample feed, served on 127.0.0.1"
    )
    demo.add_argument("--fresh", action="store_true", help="start from an empty demo warehouse")

    query = commands.add_parser("query", help="run SQL on a read-only connection")
    _common(query)
    query.add_argument("sql", help='the SQL to run, e.g. "select * from marts.calls"')
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")

    export = commands.add_parser(
        "export", help="write the marts as Parquet and CSV, and the report"
    )
    _common(export)

    serve = commands.add_parser(
        "serve", help=f"run the flow on a cron schedule (needs `{prefect_env.SERVER_START}`)"
    )
    serve.add_argument("--cron", default=None, help="cron expression (default '17 * * * *')")
    serve.add_argument("--timezone", default=None, help="the cron's time zone (default UTC)")
    _deploy_parser(commands)
    _alerts_parser(commands)
    return parser


def _alerts_parser(commands) -> None:
    alerts = commands.add_parser(
        "alerts",
        help="on the Prefect server at PREFECT_API_URL, post to a webhook when a run ends "
        "Failed, Crashed or Warned (a Prefect automation and notification block)",
    )
    which = alerts.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--webhook",
        metavar="URL",
        help="an http(s) webhook (a JSON POST), a Slack incoming webhook, or any Apprise URL "
        "(slack://, mailto://, msteams://, ...)",
    )
    which.add_argument("--remove", action="store_true", help="remove the alerts")


def _alerts(args: argparse.Namespace) -> int:
    """`readouts alerts`: registered on the server a team runs, never on a temporary one."""
    import os

    from flows.ops.outcomes import EXIT_PREFECT

    if not os.environ.get("PREFECT_API_URL"):
        say(
            "alerts",
            f"alerts live on a Prefect server: run `{prefect_env.SERVER_START}` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api (the server the runs report to)",
        )
        return EXIT_PREFECT
    from flows import alerts

    try:
        if args.remove:
            print(f"alerts removed ({alerts.remove()} objects deleted)")
        else:
            print(alerts.register(args.webhook).line())
    except ValueError as error:
        say("alerts", str(error))
        return 2
    except Exception as error:
        if "ConnectError" not in repr(error) and "Connection refused" not in str(error):
            raise
        say("alerts", f"the Prefect server at {os.environ['PREFECT_API_URL']} did not answer")
        return EXIT_PREFECT
    return EXIT_OK


def _deploy_parser(commands) -> None:
    deploy = commands.add_parser(
        "deploy",
        help="create or update the scheduled deployment on a Prefect work pool (prefect.yaml)",
    )
    deploy.add_argument("--pool", required=True, help="the work pool (type process)")
    deploy.add_argument(
        "--cron", default=None, help="cron expression (env READOUTS_CRON; default '17 * * * *')"
    )
    deploy.add_argument(
        "--timezone", default=None, help="the cron's time zone (env READOUTS_TIMEZONE; default UTC)"
    )
    _common(deploy)
    deploy.add_argument(
        "--pause", type=float, dest="pause_seconds", help="seconds between requests"
    )


def _deploy(args: argparse.Namespace) -> int:
    """`readouts deploy`: prefect.yaml applied with the settings as job variables."""
    from flows.schedule import deploy, schedule_settings

    settings = from_environment(
        data_dir=args.data_dir,
        warehouse=args.warehouse,
        pause_seconds=args.pause_seconds,
    )
    cron, timezone = schedule_settings(args.cron, args.timezone)
    return deploy(args.pool, settings, cron, timezone)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    # Prefect and the flows are imported only once the lock is held: a busy warehouse is
    # answered in a fraction of a second, not after Prefect's import.
    def build(run_id: str):
        from flows.pipeline import build_flow

        return build_flow(settings, run_id=run_id)

    def run(run_id: str):
        from flows.pipeline import run_flow, run_sources_flow

        if settings.source == ALL_SOURCES:
            return run_sources_flow(settings)
        return run_flow(settings, run_id=run_id)

    if args.command == "build":
        return run_command("build", settings, build)
    if args.command == "rebuild":
        return _rebuild(settings)
    return run_command("run", settings, run)


def _rebuild_sources(settings: Settings) -> list[str]:
    """Every source with a raw zone (a rebuild of one would drop the others), else the
    one the settings name."""
    present = [name for name in SOURCE_NAMES if (settings.raw_dir / name).is_dir()]
    if present or settings.source != ALL_SOURCES:
        return present or [settings.source]
    return list(SOURCE_NAMES)


def _rebuild(settings: Settings) -> int:
    """Sets the build warehouse aside (kept, renamed) and builds a new one from the raw zone
    of every source: each loaded in turn, then one build; audit.runs is restored from the
    run log. The published file is replaced once, at the end, when every source has been
    rebuilt."""
    build = settings.build_path
    settings = settings.with_(extract=False, reprocess=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    sources = _rebuild_sources(settings)

    def start(run_id: str):
        from flows.landing.raw_zone import RawZone
        from flows.load.rebuild_guard import refuse_if_lossy
        from flows.pipeline import run_flow, run_sources_flow

        for name in sources:
            refuse_if_lossy(RawZone(settings.raw_dir, name))
        if build.exists():
            aside = build.with_name(f"{build.name}.set-aside-{stamp}")
            build.rename(aside)
            print(f"the build warehouse was set aside as {aside}")
            wal = build.with_name(build.name + ".wal")
            if wal.exists():
                wal.rename(aside.with_name(aside.name + ".wal"))
        if len(sources) == 1:
            return run_flow(settings.with_(source=sources[0]), command="rebuild", run_id=run_id)
        # each source loaded under a run of its own, then one build and one publication
        return run_sources_flow(settings, tuple(sources), command="rebuild", run_id=run_id)

    return run_command("rebuild", settings, start)


def _query(args: argparse.Namespace, settings: Settings) -> int:
    from flows.query import QueryError, format_rows, run_query

    try:
        columns, rows = run_query(settings.warehouse_path, args.sql)
    except QueryError as error:
        say("query", str(error))
        return EXIT_QUERY
    print(format_rows(columns, rows, args.format))
    return EXIT_OK


def _export(settings: Settings) -> int:
    """Exports and report from the published warehouse (what analysts read)."""
    import duckdb

    from flows.ops.lock import hold_warehouse
    from flows.publish.exports import export_marts
    from flows.publish.report import write_report
    from flows.publish.snapshot import published_generation
    from flows.summary import new_run_id

    if not settings.warehouse_path.exists():
        say("export", f"no published warehouse at {settings.warehouse_path}: run `readouts run`")
        return EXIT_DATA_MISSING
    run_id = new_run_id()
    with (
        hold_warehouse(settings.build_path, run_id=run_id, command="export"),
        duckdb.connect(str(settings.warehouse_path), read_only=True) as con,
    ):
        generation = published_generation(settings.build_path, settings.warehouse_path)
        manifest = export_marts(con, settings.exports_dir, run_id, generation)
        report = write_report(con, settings.report_path, run_id)
    print(f"exports: {manifest}\nreport: {report}")
    return EXIT_OK


def _docs(settings: Settings) -> int:
    """dbt's docs site from the build warehouse, under the writer's lock (dbt opens it)."""
    from flows.ops.lock import hold_warehouse
    from flows.publish.dbt_docs import write_docs_site
    from flows.summary import new_run_id

    try:
        with hold_warehouse(settings.build_path, run_id=new_run_id(), command="docs"):
            site = write_docs_site(settings)
    except WarehouseBusy as busy:
        say("docs", str(busy))
        return EXIT_BUSY
    print(f"docs site: {site} (opens offline)")
    return EXIT_OK


def _one_site_for_every_source(args: argparse.Namespace) -> bool:
    """A site given for a run over every source, which would otherwise go unused."""
    import os

    if not hasattr(args, "source"):
        return False
    source = args.source or os.environ.get("READOUTS_SOURCE") or ALL_SOURCES
    site = (
        args.base_url
        or args.feed_path
        or os.environ.get("READOUTS_BASE_URL")
        or os.environ.get("READOUTS_FEED_PATH")
    )
    return source == ALL_SOURCES and bool(site)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "until", None) is not None:
        if args.since is None:
            parser.error("--until needs --since")
        if args.until < args.since:
            parser.error(f"--until {args.until} is before --since {args.since}")
    if _one_site_for_every_source(args):
        parser.error(
            "--base-url and --feed-path (READOUTS_BASE_URL, READOUTS_FEED_PATH) name one "
            "source's site: give --source too, or for every source set "
            "READOUTS_<SOURCE>_BASE_URL and READOUTS_<SOURCE>_FEED_PATH"
        )
    prefect_env.configure(PROJECT_ROOT / ".prefect")
    options = {
        k: v
        for k, v in vars(args).items()
        if k not in ("command", "fresh", "cron", "timezone", "sql", "format", "webhook", "remove")
    }
    try:
        if args.command == "demo":
            from flows.demo.run import run_demo

            return run_demo(fresh=args.fresh)
        if args.command == "serve":
            from flows.schedule import schedule_settings, serve

            serve(*schedule_settings(args.cron, args.timezone))
            return EXIT_OK
        if args.command == "deploy":
            return _deploy(args)
        if args.command == "alerts":
            return _alerts(args)
        if args.command == "query":
            return _query(args, from_environment(**options))
        if args.command == "export":
            return _export(from_environment(**options))
        if args.command == "docs":
            return _docs(from_environment(**options))
        return _run(args, from_environment(**options))
    except ExpectedFailure as error:  # the message is the interface for an operator
        say(args.command, str(error))
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
