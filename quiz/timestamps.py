"""The time as rabbit records it: ISO 8601 in UTC, to the millisecond."""

from __future__ import annotations

from datetime import datetime, timezone


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
