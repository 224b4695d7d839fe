"""The memory a stage freed goes back to the system before the next stage (flows/ops/memory.py)."""

from __future__ import annotations

import platform

from flows.ops.memory import release_freed_memory


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_freed_heap_goes_back_to_the_system():
    assert platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    before = _rss_mb()
    # buffers from glibc's heap (over pymalloc's 512 bytes), one in 200 kept: the heap cannot
    # shrink from its top, so glibc keeps the freed pages for the process
    held = [bytearray(1000) for _ in range(100_000)]
    kept = held[::200]
    grown = _rss_mb()
    del held
    assert release_freed_memory()
    assert _rss_mb() < grown - 0.5 * (grown - before)
    assert len(kept) == 500
