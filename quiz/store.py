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
_M2_DERIVED_AND_CONFIG = """
        -- derived from the attempt log; may be dropped and rebuilt at any time (quiz.review)
        CREATE TABLE review_state (
            item_id TEXT PRIMARY KEY,
            card TEXT NOT NULL,            -- the scheduler's card, as JSON
            last_attempt INTEGER NOT NULL  -- attempts.id of the last answer folded in
        );
        CREATE TABLE derived_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- the learner's settings (exam date, ...)
        CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_M3_SUMMARIES = """
        -- derived from the attempt log for rabbit stats; folded in incrementally (quiz.progress)
        CREATE TABLE summary_item_day (
            item_id TEXT NOT NULL, day TEXT NOT NULL, right INTEGER NOT NULL, total INTEGER NOT NULL,
            PRIMARY KEY (item_id, day)
        ) WITHOUT ROWID;
        CREATE TABLE summary_item (
            item_id TEXT PRIMARY KEY, last_at TEXT NOT NULL, correct INTEGER NOT NULL, item_hash TEXT
        ) WITHOUT ROWID;
        CREATE TABLE summary_day (day TEXT PRIMARY KEY, total INTEGER NOT NULL) WITHOUT ROWID;
"""

_M4_PASSED = """
        -- exercises passed by a submission (a review of the four candidate lines does not count)
        CREATE TABLE summary_passed (item_id TEXT PRIMARY KEY) WITHOUT ROWID;
        DELETE FROM derived_meta WHERE key = 'summary_last';
        DELETE FROM summary_item_day;
        DELETE FROM summary_item;
        DELETE FROM summary_day;
"""

_M5_EXERCISE_OUTCOMES = """
        -- an exercise is one item whose state is its outcome (passed once = passed); its
        -- submissions are history, so they leave summary_item_day (answers) and live here
        CREATE TABLE summary_exercise (
            item_id TEXT PRIMARY KEY,
            submissions INTEGER NOT NULL,
            first_pass_at TEXT,            -- NULL until a submission passes
            last_at TEXT NOT NULL
        ) WITHOUT ROWID;
        DROP TABLE summary_passed;
        DELETE FROM derived_meta WHERE key = 'summary_last';
        DELETE FROM summary_item_day;
        DELETE FROM summary_item;
        DELETE FROM summary_day;
"""

MIGRATIONS = [_M1_ATTEMPTS, _M2_DERIVED_AND_CONFIG, _M3_SUMMARIES, _M4_PASSED, _M5_EXERCISE_OUTCOMES]

# a submission, as opposed to a review of an exercise's candidate lines (detail.via = "review")
SUBMISSION = "kind = 'exercise' AND (detail IS NULL OR json_extract(detail, '$.via') IS NULL)"


def _statements(script: str):
    """Split a migration script into statements (a trigger's BEGIN ... END stays whole)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""
    if buf.strip() and not buf.strip().startswith("--"):
        yield buf.strip()


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
            self._prepare(db)
        except sqlite3.OperationalError as e:
            text = str(e)
            if any(k in text for k in ("readonly", "read-only", "unable to open", "disk", "full", "locked")):
                raise StoreError(_write_failure(self.path, e)) from None
            raise StoreError(
                f"{self.path} is not a usable rabbit database ({e}). "
                "Move it aside (rabbit never overwrites it) and run the command again, "
                "or set RABBIT_HOME to another directory."
            ) from None
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

    def _prepare(self, db: sqlite3.Connection) -> None:
        """WAL mode and migrations. Switching the journal mode does not wait for a busy database,
        so two rabbits creating it at the same moment retry here instead of failing."""
        deadline = time.monotonic() + 10
        while True:
            try:
                mode = db.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode is None:
                    raise sqlite3.DatabaseError("no journal mode")
                self._migrate(db)
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _migrate(self, db: sqlite3.Connection) -> None:
        if db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS):
            return
        # the write lock first, then the version: two processes starting at once migrate once
        db.execute("BEGIN IMMEDIATE")
        try:
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
                for statement in _statements(MIGRATIONS[i]):
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            db.execute("COMMIT")
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
        except sqlite3.Error as e:
            raise StoreError(_write_failure(self.path, e)) from None

    def record_hint(self, item_id: str, tier: int) -> None:
        try:
            self.connect().execute(
                "INSERT INTO hints_shown (item_id, tier, shown_at) VALUES (?,?,?)", (item_id, tier, now_iso())
            )
        except sqlite3.Error as e:
            raise StoreError(_write_failure(self.path, e)) from None

    def get_config(self, key: str) -> str | None:
        row = self.connect().execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_config(self, key: str, value: str | None) -> None:
        db = self.connect()
        try:
            if value is None:
                db.execute("DELETE FROM config WHERE key = ?", (key,))
            else:
                db.execute("INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           (key, value))
        except sqlite3.Error as e:
            raise StoreError(_write_failure(self.path, e)) from None

    # -- reading ---------------------------------------------------------------
    def hints_shown(self, item_id: str) -> int:
        row = self.connect().execute(
            "SELECT max(tier) FROM hints_shown WHERE item_id = ?", (item_id,)
        ).fetchone()
        return row[0] or 0

    def exercise_status(self) -> dict[str, str]:
        """exercise id -> 'passed' | 'failed' for every exercise with at least one submission."""
        rows = self.connect().execute(
            f"SELECT item_id, max(correct) FROM attempts WHERE {SUBMISSION} GROUP BY item_id"
        ).fetchall()
        return {item: ("passed" if best else "failed") for item, best in rows}

    def missed_ids(self) -> set[str]:
        """Items whose most recent answer was wrong."""
        rows = self.connect().execute(
            "SELECT item_id, correct FROM attempts a WHERE id = "
            "(SELECT max(id) FROM attempts b WHERE b.item_id = a.item_id)"
        ).fetchall()
        return {item for item, correct in rows if not correct}

    def item_records(self, kind: str = "question") -> dict[str, tuple[int, int, bool]]:
        """item_id -> (answers, right answers, whether the last answer was right), for choosing a session."""
        rows = self.connect().execute(
            "SELECT a.item_id, count(*), sum(a.correct), (SELECT correct FROM attempts b WHERE b.item_id = a.item_id "
            "AND b.kind = ? ORDER BY id DESC LIMIT 1) FROM attempts a WHERE a.kind = ? GROUP BY a.item_id",
            (kind, kind)).fetchall()
        return {item: (n, right or 0, bool(last)) for item, n, right, last in rows}

    def last_hashes(self, item_ids: list[str]) -> dict[str, str]:
        """item_id -> the content hash the item had when it was last answered."""
        out: dict[str, str] = {}
        db = self.connect()
        for i in range(0, len(item_ids), 500):
            chunk = item_ids[i : i + 500]
            q = (f"SELECT item_id, item_hash FROM attempts WHERE id IN (SELECT max(id) FROM attempts "
                 f"WHERE item_id IN ({','.join('?' * len(chunk))}) GROUP BY item_id)")
            out.update({item: h for item, h in db.execute(q, chunk) if h})
        return out

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


def _write_failure(path: Path, e: Exception) -> str:
    text = str(e)
    if "full" in text or "disk I/O" in text:
        hint = "The disk may be full: free some space and try again; nothing already recorded was lost."
    elif "locked" in text:
        hint = "Another rabbit is holding the database: try again in a moment."
    elif "readonly" in text or "read-only" in text or "unable to open" in text:
        hint = "The directory is read-only: set RABBIT_HOME to a writable directory."
    else:
        hint = "Check that RABBIT_HOME points to a writable directory."
    return f"could not write to {path} ({text}). {hint}"

