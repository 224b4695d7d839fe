"""Screenshots of the report made from the demo data, with headless Chromium (offline):
the top of the page for the README (docs/report.png) and the full page for a look at the
rest (data/demo/report-full.png, not committed). Run `readouts demo` first.

    .venv/bin/python scripts/report_screenshots.py [REPORT]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # every request would go to a port nothing listens on: the page needs none
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]


def screenshot(report: Path, out: Path, width: int, height: int) -> Path:
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium is needed (apt-get install chromium)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                report.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return out


def main() -> None:
    report = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT / "data" / "demo" / "warehouse" / "report.html"
    )
    if not report.exists():
        raise SystemExit(f"{report} is missing: run `readouts demo` first")
    readme = screenshot(report, ROOT / "docs" / "report.png", 1100, 1400)
    full = screenshot(report, ROOT / "data" / "demo" / "report-full.png", 1100, 9000)
    print(f"wrote {readme.relative_to(ROOT)} ({readme.stat().st_size // 1024} kB) and {full}")


if __name__ == "__main__":
    main()
