"""Lands a resampled feed of N items in DIR's raw zone (as benchmarks.run does), for
`python -m benchmarks.transform_child DIR` of two commits on the same input.

    .venv/bin/python -m benchmarks.land 100000 DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.run import _extract
from benchmarks.sample import resampled_pages

if __name__ == "__main__":
    seconds, pages = _extract(resampled_pages(int(sys.argv[1])), Path(sys.argv[2]))
    print(f"{pages} pages landed in {seconds:.1f} s")
