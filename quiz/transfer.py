"""Export the attempt log (JSON or CSV) and merge one back without duplicating rows.

Rows carry a `uid` that never changes, so importing the same file twice, or merging two
machines' logs, adds each attempt exactly once.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from quiz.store import Store, StoreError

COLUMNS = ["uid", "item_id", "kind", "correct", "answer", "duration_ms", "answered_at", "session", "item_hash", "detail"]
FORMAT = "rabbit-attempts"
VERSION = 1


class ImportFileError(ValueError):
    """The file cannot be imported; the message names the row and field."""


def rows(store: Store) -> list[dict]:
    db = store.connect()
    cur = db.execute(f"SELECT {', '.join(COLUMNS)} FROM attempts ORDER BY id")
    return [dict(zip(COLUMNS, r)) for r in cur]


def export(store: Store, fmt: str) -> str:
    data = rows(store)
    if fmt == "json":
        return json.dumps({"format": FORMAT, "version": VERSION, "attempts": data}, ensure_ascii=False, indent=1) + "\n"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in data:
        writer.writerow({k: "" if v is None else v for k, v in r.items()})
    return buf.getvalue()


def _parse(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ImportFileError(f"{path}: cannot read: {e}") from None
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise ImportFileError(f"{path}: not valid JSON ({e})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("attempts"), list):
            raise ImportFileError(f"{path}: not a rabbit export (expected \"format\": \"{FORMAT}\" and a list of attempts)")
        return doc["attempts"]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("uid", "item_id", "kind", "correct", "answered_at") if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError(f"{path}: not a rabbit CSV export: missing column(s) {', '.join(missing)}")
    return [{k: (v if v != "" else None) for k, v in row.items()} for row in reader]


def _clean(row, n: int, path: Path) -> tuple:
    where = f"{path}: row {n}"
    if not isinstance(row, dict):
        raise ImportFileError(f"{where}: expected an object")
    for key in ("uid", "item_id", "kind", "answered_at"):
        if not isinstance(row.get(key), str) or not row[key]:
            raise ImportFileError(f"{where}: field {key} is missing or empty")
    if row["kind"] not in ("question", "exercise"):
        raise ImportFileError(f"{where}: field kind must be question or exercise, got {row['kind']!r}")
    correct = row.get("correct")
    if correct in (True, 1, "1", "true", "True"):
        correct = 1
    elif correct in (False, 0, "0", "false", "False"):
        correct = 0
    else:
        raise ImportFileError(f"{where}: field correct must be 0 or 1, got {correct!r}")
    from datetime import datetime

    try:
        datetime.fromisoformat(row["answered_at"])
    except ValueError:
        raise ImportFileError(f"{where}: field answered_at is not an ISO 8601 time: {row['answered_at']!r}") from None
    duration = row.get("duration_ms")
    try:
        duration = int(duration) if duration is not None else None
    except (TypeError, ValueError):
        raise ImportFileError(f"{where}: field duration_ms must be an integer") from None
    detail = row.get("detail")
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False)
    return (row["uid"], row["item_id"], row["kind"], correct, row.get("answer"), duration, row["answered_at"],
            row.get("session"), row.get("item_hash"), detail)


def import_file(store: Store, path: Path) -> tuple[int, int]:
    """Merge `path` into the log; returns (added, already there). All or nothing."""
    records = [_clean(r, i, path) for i, r in enumerate(_parse(path), 1)]
    db = store.connect()
    try:
        db.execute("BEGIN IMMEDIATE")
        before = db.execute("SELECT count(*) FROM attempts").fetchone()[0]
        db.executemany(
            f"INSERT OR IGNORE INTO attempts ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            records)
        added = db.execute("SELECT count(*) FROM attempts").fetchone()[0] - before
        db.execute("COMMIT")
    except sqlite3.Error as e:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise StoreError(f"could not import into {store.path}: {e}") from None
    if added:
        from quiz import progress, review

        review.rebuild(store)  # imported rows may be older than what the state has folded in
        progress.rebuild(store)
    return added, len(records) - added
