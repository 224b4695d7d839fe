"""The port a test's Prefect server gets is free and outside the kernel's ephemeral range,
where the suite's other servers and connections take theirs (tests/prefect_server.py)."""

from __future__ import annotations

import socket

import pytest

from tests.prefect_server import EPHEMERAL_PORTS, free_port


@pytest.mark.skipif(not EPHEMERAL_PORTS.exists(), reason="Linux's ephemeral range only")
def test_a_servers_port_is_free_and_below_the_ephemeral_range():
    low = int(EPHEMERAL_PORTS.read_text().split()[0])
    for _ in range(20):
        port = free_port()
        assert 1024 <= port < low
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free: nothing holds it


def test_a_port_taken_is_not_given(monkeypatch):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    held = taken.getsockname()[1]
    monkeypatch.setattr("random.sample", lambda population, k: [held])
    try:
        assert free_port() != held
    finally:
        taken.close()
