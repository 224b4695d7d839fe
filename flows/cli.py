"""The `readouts` command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from flows import prefect_env
from flows.settings import PROJECT_ROOT, from_environment


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

    run = commands.add_parser("run", help="extract, normalise, load and build the marts")
    common(run)
    run.add_argument("--base-url", help="source site (env READOUTS_BASE_URL)")
    run.add_argument("--since", type=_date, help="backfill back to this date (YYYY-MM-DD)")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    prefect_env.configure(PROJECT_ROOT / ".prefect")
    options = {k: v for k, v in vars(args).items() if k not in ("command", "fresh")}
    try:
        if args.command == "demo":
            from flows.demo.run import run_demo

            summary, report = run_demo(fresh=args.fresh)
            print("\n".join(summary.lines() + report))
            return 0
        settings = from_environment(**options)
        from flows.pipeline import build_flow, run_flow

        summary = run_flow(settings) if args.command == "run" else build_flow(settings)
        print("\n".join(summary.lines()))
        return 0
    except Exception as error:  # the message is the interface for an operator
        print(f"readouts {args.command} failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
