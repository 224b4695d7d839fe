"""A full disk or a read-only folder is one line and exit 6, recorded in the run log where
the log can be written; never a traceback (simulated: the tests run as root, for whom
chmod makes nothing read-only)."""

from __future__ import annotations

import errno

import duckdb
import pytest

import flows.load.warehouse as warehouse
import flows.ops.lock as lock
import flows.ops.run_log as run_log
from flows.ops.disk import unwritable
from flows.ops.outcomes import EXIT_WAREHOUSE, WarehouseUnwritable
from flows.settings import Settings


def _refuse(code: int):
    def refuse(path, *args, **kwargs):
        raise OSError(code, "simulated", str(path))

    return refuse


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT])
def test_a_full_disk_or_a_read_only_folder_is_an_expected_failure(code):
    failure = unwritable(OSError(code, "simulated", "/data/warehouse/readouts.duckdb"))
    assert isinstance(failure, WarehouseUnwritable) and failure.exit_code == EXIT_WAREHOUSE
    (line,) = str(failure).splitlines()
    assert "/data/warehouse/readouts.duckdb" in line and "Nothing was lost" in line


def test_other_errors_stay_bugs_or_their_own_failures():
    assert unwritable(OSError(errno.ECONNREFUSED, "refused")) is None
    assert unwritable(ValueError("no")) is None
    assert unwritable(duckdb.IOException("IO Error: No space left on device")) is not None


def test_a_read_only_data_folder_fails_at_the_lock_with_exit_6(tmp_path, monkeypatch):
    monkeypatch.setattr(lock, "open", _refuse(errno.EROFS), raising=False)
    with (
        pytest.raises(WarehouseUnwritable, match="the writer's lock"),
        lock.hold_warehouse(tmp_path / "readouts.duckdb", run_id="r", command="run"),
    ):
        pass


@pytest.mark.parametrize("log_writable", [True, False])
def test_the_command_line_says_one_line_and_records_the_run_where_it_can(
    tmp_path, monkeypatch, capsys, log_writable
):
    from flows.cli import run_command

    settings = Settings(data_dir=tmp_path)
    monkeypatch.setattr(lock, "open", _refuse(errno.EROFS), raising=False)
    if not log_writable:
        monkeypatch.setattr(run_log, "append_line", _refuse(errno.EROFS))
    code = run_command("run", settings, lambda run_id: pytest.fail("the run started"))
    assert code == EXIT_WAREHOUSE
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "cannot write the writer's lock" in line
    records = list(run_log.latest_records(settings.run_log_path).values())
    if log_writable:
        assert [(r["status"], r["exit_code"]) for r in records] == [("failed", EXIT_WAREHOUSE)]
    else:
        assert records == []


def _run(settings: Settings, body, monkeypatch):
    import flows.run_book as run_book

    monkeypatch.setattr(run_book, "_artifact", lambda summary: None)  # Prefect's UI only
    return run_book.RunBook(settings.with_(source="kremlin"), "run", "run-1").execute(body)


def test_a_full_disk_during_a_run_ends_it_with_exit_6_and_a_run_log_line(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path)

    def body():
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "raw" / "x.xml"))

    summary = _run(settings, body, monkeypatch)
    assert (summary.status, summary.exit_code) == ("failed", EXIT_WAREHOUSE)
    assert "No space left on device" in summary.message and "x.xml" in summary.message
    (record,) = run_log.latest_records(settings.run_log_path).values()
    assert (record["status"], record["exit_code"]) == ("failed", EXIT_WAREHOUSE)


def test_a_run_log_that_cannot_be_written_is_exit_6_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(run_log, "append_line", _refuse(errno.EROFS))
    summary = _run(Settings(data_dir=tmp_path), lambda: pytest.fail("the body ran"), monkeypatch)
    assert (summary.status, summary.exit_code) == ("failed", EXIT_WAREHOUSE)
    assert "run-log.jsonl" in summary.message


def test_a_build_folder_duckdb_cannot_write_is_not_called_damaged(tmp_path, monkeypatch):
    def connect(path, **kwargs):
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Read-only file system')

    monkeypatch.setattr(warehouse, "connect", connect)
    with pytest.raises(WarehouseUnwritable, match="Read-only file system"):
        warehouse.open_build(tmp_path / "b.duckdb", tmp_path / "p.duckdb")
