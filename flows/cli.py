"""The `readouts` command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from flows import prefect_env
from flows.settings import PROJECT_ROOT, Settings, from_environment

EXIT_FAILED = 1
EXIT_BUSY = 3  # another run holds the warehouse; nothing was changed


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readouts",
        description="A data warehouse of the official readouts of leaders' phone calls.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--data-dir", type=Path, help="root of data/ (env READOUTS_DATA_DIR)")
        sub.add_argument(
            "--warehouse",
            type=Path,
            help="DuckDB file (env READOUTS_WAREHOUSE; default DATA_DIR/warehouse/readouts.duckdb)",
        )

    run = commands.add_parser("run", help="extract, normalise, validate, load, build the marts")
    common(run)
    run.add_argument("--base-url", help="source site (env READOUTS_BASE_URL)")
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
        "--reprocess",
        action="store_true",
        default=None,
        help="normalise every landed page again (after editing reference/*.csv)",
    )

    build = commands.add_parser("build", help="rebuild the SQL models from what is loaded")
    common(build)

    demo = commands.add_parser(
        "demo", help="run the real flow on the bundled sample feed, served on 127.0.0.1"
    )
    demo.add_argument("--fresh", action="store_true", help="start from an empty demo warehouse")

    query = commands.add_parser("query", help="run SQL on a read-only connection")
    common(query)
    query.add_argument("sql", help='the SQL to run, e.g. "select * from marts.calls"')
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")

    export = commands.add_parser(
        "export", help="write the marts as Parquet and CSV, and the report"
    )
    common(export)

    serve = commands.add_parser(
        "serve", help="run the flow on a cron schedule (needs `prefect server start`)"
    )
    serve.add_argument("--cron", default=None, help="cron expression (default '17 * * * *')")
    serve.add_argument("--timezone", default=None, help="the cron's time zone (default UTC)")
    _deploy_parser(commands, common)
    return parser


def _deploy_parser(commands, common) -> None:
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
    common(deploy)
    deploy.add_argument("--base-url", help="source site (env READOUTS_BASE_URL)")
    deploy.add_argument(
        "--pause", type=float, dest="pause_seconds", help="seconds between requests"
    )


def _deploy(args: argparse.Namespace) -> int:
    """`readouts deploy`: prefect.yaml applied with the settings as job variables."""
    from flows.ops.schedule import deploy, schedule_settings

    settings = from_environment(
        data_dir=args.data_dir,
        warehouse=args.warehouse,
        base_url=args.base_url,
        pause_seconds=args.pause_seconds,
    )
    cron, timezone = schedule_settings(args.cron, args.timezone)
    return deploy(args.pool, settings, cron, timezone)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.ops.lock import probe

    holder = probe(settings.warehouse_path)
    if holder is not None:  # answer at once, before Prefect starts
        print(
            f"readouts {args.command}: the warehouse {settings.warehouse_path} is being "
            f"written by {holder}; nothing was changed. Try again when it has finished.",
            file=sys.stderr,
        )
        return EXIT_BUSY
    from flows.ops.runtime import with_task_runner
    from flows.pipeline import build_flow, run_flow

    if args.command == "run":
        if settings.until is not None and settings.since is None:
            print("readouts run: --until needs --since", file=sys.stderr)
            return EXIT_FAILED
        summary = with_task_runner(run_flow, settings)(settings)
    else:
        summary = build_flow(settings)
    print("\n".join(summary.lines()))
    return 0


def _query(args: argparse.Namespace, settings: Settings) -> int:
    from flows.query import QueryError, format_rows, run_query

    try:
        columns, rows = run_query(settings.warehouse_path, args.sql)
    except QueryError as error:
        print(f"readouts query: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(format_rows(columns, rows, args.format))
    return 0


def _export(settings: Settings) -> int:
    from flows.load.warehouse import connect
    from flows.ops.lock import hold_warehouse
    from flows.pipeline import new_run_id
    from flows.publish.exports import export_marts
    from flows.publish.report import write_report

    run_id = new_run_id()
    with (
        hold_warehouse(settings.warehouse_path, run_id=run_id, command="export"),
        connect(settings.warehouse_path, read_only=True) as con,
    ):
        manifest = export_marts(con, settings.exports_dir, run_id)
        report = write_report(con, settings.report_path, run_id)
    print(f"exports: {manifest}\nreport: {report}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    prefect_env.configure(PROJECT_ROOT / ".prefect")
    options = {
        k: v
        for k, v in vars(args).items()
        if k not in ("command", "fresh", "cron", "timezone", "sql", "format")
    }
    try:
        if args.command == "demo":
            from flows.demo.run import run_demo

            summary, report = run_demo(fresh=args.fresh)
            print("\n".join(summary.lines() + report))
            return 0
        if args.command == "serve":
            from flows.ops.schedule import schedule_settings, serve

            serve(*schedule_settings(args.cron, args.timezone))
            return 0
        if args.command == "deploy":
            return _deploy(args)
        if args.command == "query":
            return _query(args, from_environment(**options))
        if args.command == "export":
            return _export(from_environment(**options))
        return _run(args, from_environment(**options))
    except Exception as error:  # the message is the interface for an operator
        from flows.ops.lock import WarehouseBusy

        print(f"readouts {args.command} failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_BUSY if isinstance(error, WarehouseBusy) else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
