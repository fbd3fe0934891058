"""Read-or-compute-then-write JSON caches under $RABBIT_HOME/cache (the bank, the exercises, the
section names): `NAME-FINGERPRINT.json`, keyed by a fingerprint of the content it was made from.

A hit costs one small JSON read (no yaml). A miss computes, removes the older NAME-*.json entries
and writes the new one atomically (a temporary file, then a rename), so a reader never sees half a
file. An unreadable or malformed entry is a miss; a read-only home only costs speed. Nothing is
written anywhere but $RABBIT_HOME/cache.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, TypeVar

from quiz import home

T = TypeVar("T")

# what a stale or hand-edited entry can raise while being decoded: all of it means "compute again"
_BAD_ENTRY = (OSError, ValueError, TypeError, KeyError)


def path(name: str, fingerprint: str) -> Path:
    return home.rabbit_home() / "cache" / f"{name}-{fingerprint}.json"


def cached(name: str, fingerprint: str, compute: Callable[[], T],
           encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
    """decode(the stored JSON) if an entry for this fingerprint reads back, else compute() (whose
    exceptions propagate, and nothing is written), stored as encode(value)."""
    file = path(name, fingerprint)
    try:
        return decode(json.loads(file.read_bytes()))  # bytes: json decodes UTF-8 faster than a text file does
    except _BAD_ENTRY:
        pass
    value = compute()
    _write(file, name, encode(value))
    return value


def _write(file: Path, name: str, data: Any) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        for old in file.parent.glob(f"{name}-*.json"):
            old.unlink(missing_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, file)
    except OSError:
        pass  # a read-only home only costs speed
