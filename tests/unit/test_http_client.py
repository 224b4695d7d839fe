"""The polite client against a real server on 127.0.0.1."""

from __future__ import annotations

import logging
import time

from flows.demo.server import FeedServer
from flows.extract.http_client import PoliteClient
from flows.settings import USER_AGENT


def _client(**changes) -> PoliteClient:
    options = dict(
        user_agent=USER_AGENT,
        timeout_seconds=5,
        pause_seconds=0,
        retries=3,
        backoff_seconds=0.01,
        max_retry_after=1.0,
    )
    options.update(changes)
    return PoliteClient(**options)


def test_user_agent_names_the_project():
    with FeedServer({"/feed": b"<feed/>"}) as server:
        result = _client().get(server.base_url + "/feed")
    assert result.ok and result.body == b"<feed/>"
    assert server.requests == [("/feed", USER_AGENT)]
    assert "readouts" in USER_AGENT


def test_5xx_is_retried_with_backoff():
    answers = iter([(503, {}, b"busy"), (500, {}, b"oops")])
    with FeedServer({"/feed": b"<feed/>"}, lambda path: next(answers, None)) as server:
        result = _client().get(server.base_url + "/feed")
    assert result.ok
    assert len(server.requests) == 3


def test_429_honours_retry_after_up_to_the_cap():
    answers = iter([(429, {"Retry-After": "1"}, b"slow down")])
    with FeedServer({"/feed": b"<feed/>"}, lambda path: next(answers, None)) as server:
        started = time.monotonic()
        result = _client(max_retry_after=0.3).get(server.base_url + "/feed")
        waited = time.monotonic() - started
    assert result.ok
    assert 0.25 <= waited < 1.0


def test_retries_give_up_with_the_last_status():
    with FeedServer({}, lambda path: (503, {}, b"down")) as server:
        result = _client(retries=2).get(server.base_url + "/feed")
    assert result.status == 503 and not result.ok
    assert len(server.requests) == 3


def test_404_and_403_are_not_retried():
    with FeedServer({}, lambda path: (403, {}, b"no") if path == "/x" else None) as server:
        assert _client().get(server.base_url + "/x").status == 403
        assert _client().get(server.base_url + "/y").status == 404
    assert len(server.requests) == 2


def test_redirects_are_not_followed():
    with FeedServer({}, lambda path: (302, {"Location": "http://127.0.0.2:9/elsewhere"}, b"")) as s:
        result = _client().get(s.base_url + "/feed")
    assert result.status == 302 and not result.ok


def test_connection_errors_become_a_result_not_an_exception(caplog):
    caplog.set_level(logging.INFO)
    result = _client(retries=1).get("http://127.0.0.1:9/feed")
    assert result.status is None and "ConnectionError" in (result.error or "")
    # each retry is an INFO record, not a warning a terminal shows: the run's one line says
    # what the retries came to
    retries = [r for r in caplog.records if r.getMessage().startswith("Retrying")]
    assert retries and all(r.levelno == logging.INFO for r in retries)


def test_pause_between_requests():
    with FeedServer({"/feed": b"<feed/>"}) as server:
        client = _client(pause_seconds=0.2)
        started = time.monotonic()
        client.get(server.base_url + "/feed")
        client.get(server.base_url + "/feed")
        assert time.monotonic() - started >= 0.2
