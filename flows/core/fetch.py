"""What one HTTP request for a feed page brought back: the extract layer makes it, the raw
landing zone stores it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FetchResult:
    url: str
    fetched_at: datetime
    status: int | None
    body: bytes
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None
