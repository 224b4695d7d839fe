"""Failpoints for crash tests: when READOUTS_FAILPOINT names a point that a run reaches,
the process kills itself with SIGKILL there, as a power cut or an OOM kill would. Unset in
normal use; the crash-safety tests set it to prove that the next run converges."""

from __future__ import annotations

import os
import signal

POINTS = ("extract", "load", "build")


def failpoint(name: str) -> None:
    if os.environ.get("READOUTS_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
