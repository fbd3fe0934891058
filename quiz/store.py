"""The attempt log: an append-only SQLite table every quiz answer and submission goes into.

Schema changes are an ordered list of migrations, recorded in the database's user_version.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from quiz import home


class StoreError(Exception):
    """The database cannot be used; the message names the file and what to do."""


_M1_ATTEMPTS = """
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,          -- stable across export/import
            item_id TEXT NOT NULL,             -- the bank's explicit id (questions and exercises)
            kind TEXT NOT NULL,                -- 'question' | 'exercise'
            correct INTEGER NOT NULL,          -- 1 or 0
            answer TEXT,                       -- what the learner gave (an expression, a choice, code)
            duration_ms INTEGER,
            answered_at TEXT NOT NULL,         -- ISO 8601, UTC
            session TEXT,                      -- groups the answers of one quiz or review run
            item_hash TEXT,                    -- content hash of the item when it was answered
            detail TEXT                        -- JSON: verdict summary
        );
        CREATE INDEX attempts_item ON attempts(item_id, answered_at);
        -- the log is append-only: nothing edits or removes a row
        CREATE TRIGGER attempts_no_update BEFORE UPDATE ON attempts
            BEGIN SELECT RAISE(ABORT, 'the attempt log is append-only'); END;
        CREATE TRIGGER attempts_no_delete BEFORE DELETE ON attempts
            BEGIN SELECT RAISE(ABORT, 'the attempt log is append-only'); END;
        CREATE TABLE hints_shown (
            item_id TEXT NOT NULL,
            tier INTEGER NOT NULL,
            shown_at TEXT NOT NULL
        );
"""

# Ordered schema changes; each runs once, in one transaction, and bumps PRAGMA user_version.
MIGRATIONS = [_M1_ATTEMPTS]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class Attempt:
    item_id: str
    kind: str
    correct: bool
    answer: str | None = None
    duration_ms: int | None = None
    session: str | None = None
    item_hash: str | None = None
    detail: dict | None = None


class Store:
    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else home.db_path()
        self._db: sqlite3.Connection | None = None

    def connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("PRAGMA busy_timeout = 10000")
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None:
                raise sqlite3.DatabaseError("no journal mode")
            self._migrate(db)
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"{self.path} is not a usable rabbit database ({e}). "
                "Move it aside (rabbit never overwrites it) and run the command again, "
                "or set RABBIT_HOME to another directory."
            ) from None
        except OSError as e:
            raise StoreError(
                f"cannot open {self.path}: {e.strerror or e}. "
                "Check that RABBIT_HOME points to a writable directory."
            ) from None
        self._db = db
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise sqlite3.DatabaseError("it holds tables that are not rabbit's")
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(
                f"schema version {version} is newer than this rabbit knows ({len(MIGRATIONS)}); upgrade rabbit"
            )
        for i in range(version, len(MIGRATIONS)):
            try:
                db.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[i]}\nPRAGMA user_version = {i + 1};\nCOMMIT;")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- writing ---------------------------------------------------------------
    def record(self, attempt: Attempt) -> None:
        db = self.connect()
        try:
            db.execute(
                "INSERT INTO attempts (uid, item_id, kind, correct, answer, duration_ms, answered_at,"
                " session, item_hash, detail) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    os.urandom(16).hex(),
                    attempt.item_id,
                    attempt.kind,
                    int(bool(attempt.correct)),
                    attempt.answer,
                    attempt.duration_ms,
                    now_iso(),
                    attempt.session,
                    attempt.item_hash,
                    json.dumps(attempt.detail, ensure_ascii=False) if attempt.detail else None,
                ),
            )
        except sqlite3.OperationalError as e:
            raise StoreError(f"could not record the attempt in {self.path}: {e}") from None

    def record_hint(self, item_id: str, tier: int) -> None:
        self.connect().execute(
            "INSERT INTO hints_shown (item_id, tier, shown_at) VALUES (?,?,?)", (item_id, tier, now_iso())
        )

    # -- reading ---------------------------------------------------------------
    def hints_shown(self, item_id: str) -> int:
        row = self.connect().execute(
            "SELECT max(tier) FROM hints_shown WHERE item_id = ?", (item_id,)
        ).fetchone()
        return row[0] or 0

    def exercise_status(self) -> dict[str, str]:
        """item_id -> 'passed' | 'failed' for every item with at least one attempt."""
        rows = self.connect().execute(
            "SELECT item_id, max(correct) FROM attempts GROUP BY item_id"
        ).fetchall()
        return {item: ("passed" if best else "failed") for item, best in rows}

    def missed_ids(self) -> set[str]:
        """Items whose most recent answer was wrong."""
        rows = self.connect().execute(
            "SELECT item_id, correct FROM attempts a WHERE id = "
            "(SELECT max(id) FROM attempts b WHERE b.item_id = a.item_id)"
        ).fetchall()
        return {item for item, correct in rows if not correct}

    def attempts(self, item_id: str | None = None) -> list[dict]:
        db = self.connect()
        db.row_factory = sqlite3.Row
        try:
            if item_id is None:
                rows = db.execute("SELECT * FROM attempts ORDER BY id").fetchall()
            else:
                rows = db.execute("SELECT * FROM attempts WHERE item_id = ? ORDER BY id", (item_id,)).fetchall()
            return [dict(r) for r in rows]
        finally:
            db.row_factory = None


def timer() -> float:
    return time.monotonic()
