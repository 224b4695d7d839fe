from __future__ import annotations

from datetime import UTC, datetime

from flows.core.fetch import FetchResult
from flows.landing.raw_zone import RawZone


def _fetch(body: bytes, status: int = 200) -> FetchResult:
    return FetchResult("http://x/feed", datetime.now(UTC), status, body)


def test_pages_are_stored_byte_for_byte_once(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    first = zone.store(_fetch(b"<feed/>"), run_id="r1", page_no=1, entry_keys=[("a", "1")])
    second = zone.store(_fetch(b"<feed/>"), run_id="r2", page_no=1, entry_keys=[("a", "1")])
    assert first.path == second.path
    assert zone.read_page(first) == b"<feed/>"
    assert len(list((tmp_path / "kremlin" / "pages").rglob("*.xml"))) == 1
    assert [row.run_id for row in zone.manifest()] == ["r1", "r2"]
    assert zone.landed_entry_keys() == {("a", "1")}


def test_failed_fetches_are_recorded_without_a_page(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    row = zone.store(_fetch(b"", status=503), run_id="r1", page_no=2)
    assert (row.status, row.path, row.size) == (503, None, 0)
    assert zone.landed_entry_keys() == set()


def test_a_torn_manifest_line_from_a_crash_is_skipped_and_not_glued(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    zone.store(_fetch(b"<a/>"), run_id="r1", page_no=1, entry_keys=[("a", "1")])
    with open(zone.manifest_path, "ab") as manifest:
        manifest.write(b'{"fetch_id": "torn')
    zone.store(_fetch(b"<b/>"), run_id="r2", page_no=1, entry_keys=[("b", "2")])
    assert [row.run_id for row in zone.manifest()] == ["r1", "r2"]
    assert zone.landed_entry_keys() == {("a", "1"), ("b", "2")}


def test_checkpoint_round_trip(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    assert zone.read_checkpoint() == {}
    zone.write_checkpoint({"since": "2020-01-01", "next_page": 7})
    assert zone.read_checkpoint() == {"since": "2020-01-01", "next_page": 7}


def test_a_missing_page_file_is_lost_unless_another_page_holds_its_entries(tmp_path):
    zone = RawZone(tmp_path, "kremlin")
    first = zone.store(_fetch(b"<a/>"), run_id="r1", page_no=1, entry_keys=[("a", "1")])
    zone.store(_fetch(b"<b/>"), run_id="r1", page_no=2, entry_keys=[("b", "2"), ("c", "3")])
    again = zone.store(_fetch(b"<b2/>"), run_id="r2", page_no=3, entry_keys=[("b", "2")])
    zone.store(_fetch(b"", status=404), run_id="r2", page_no=4)
    assert zone.lost_pages() == []
    (zone.root / again.path).unlink()  # its one entry is still held by page 2
    assert zone.lost_pages() == []
    (zone.root / first.path).unlink()
    zone.store(_fetch(b"<a/>"), run_id="r3", page_no=1, entry_keys=[("a", "1")])
    assert zone.lost_pages() == []  # fetched again: the same bytes, the same file
    (zone.root / first.path).unlink()
    (lost,) = zone.lost_pages()
    assert (lost.path, lost.page_no) == (first.path, 1)
