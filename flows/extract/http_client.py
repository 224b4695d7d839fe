"""A polite HTTP client: a User-Agent naming the project, timeouts, a pause between
requests, retries with exponential backoff on 5xx, timeouts and resets, and
Retry-After honoured on 429 and 503 (urllib3's Retry does the retrying)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from flows.core.fetch import FetchResult

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class _TooLarge(Exception):
    pass


class _RetriesAreInfo(logging.Filter):
    """urllib3 logs each retry as a WARNING, which a terminal shows (Prefect's console
    handler, or Python's last-resort one): four lines before the run's own, which already
    says what the retries came to. Each retry is kept as an INFO record instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).startswith("Retrying"):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


# one instance, so that importing the module again never adds the filter twice
_RETRIES_ARE_INFO = _RetriesAreInfo()
logging.getLogger("urllib3.connectionpool").addFilter(_RETRIES_ARE_INFO)


def _retry_policy(retries: int, backoff_seconds: float, max_retry_after: float) -> Retry:
    # Retry-After is trusted only up to a cap: a hostile or broken server must not
    # park the scheduled run for hours.
    capped = type(
        "CappedRetry",
        (Retry,),
        {
            "get_retry_after": lambda self, response: (
                None
                if (value := Retry.get_retry_after(self, response)) is None
                else min(value, max_retry_after)
            )
        },
    )
    return capped(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff_seconds,
        backoff_max=max_retry_after,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


class PoliteClient:
    def __init__(
        self,
        *,
        user_agent: str,
        timeout_seconds: float,
        pause_seconds: float,
        retries: int,
        backoff_seconds: float,
        max_retry_after: float,
        max_body_bytes: int = 64 << 20,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.max_body_bytes = max_body_bytes
        self.pause_seconds = pause_seconds
        self._last_request_at: float | None = None
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/atom+xml"})
        adapter = HTTPAdapter(max_retries=_retry_policy(retries, backoff_seconds, max_retry_after))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _pace(self) -> None:
        if self._last_request_at is not None and self.pause_seconds > 0:
            wait = self._last_request_at + self.pause_seconds - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_request_at = time.monotonic()

    def get(self, url: str) -> FetchResult:
        """One page. urllib3 retries connection errors, timeouts and 5xx/429 before the body
        arrives; a body cut off mid-way (a reset, a short read) is retried here, because
        urllib3's Retry does not cover errors raised while the body is being read."""
        for attempt in range(self.retries + 1):
            self._pace()
            fetched_at = datetime.now(UTC)
            try:
                with self.session.get(
                    url, timeout=self.timeout_seconds, allow_redirects=False, stream=True
                ) as response:
                    body = self._read_capped(response)
                return FetchResult(url, fetched_at, response.status_code, body)
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as error:
                problem = f"{type(error).__name__}: {error}"
                if attempt < self.retries:
                    time.sleep(self.backoff_seconds * 2**attempt)
                    continue
            except _TooLarge as error:
                return FetchResult(url, fetched_at, None, b"", str(error))
            except requests.RequestException as error:
                problem = f"{type(error).__name__}: {error}"
            return FetchResult(url, fetched_at, None, b"", problem)
        raise AssertionError("unreachable")

    def _read_capped(self, response: requests.Response) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_content(chunk_size=1 << 16):
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _TooLarge(
                    f"the response is over {self.max_body_bytes // (1 << 20)} MB: refused"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self.session.close()
