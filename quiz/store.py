"""The attempt log: an append-only SQLite table every quiz answer and submission goes into.

All of rabbit's SQL lives here (the mock exams' tables in quiz.store_exams, the schema in quiz.migrations): the other modules call the
methods of Store, and write through Store.transaction() when several statements go together.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from quiz import home
from quiz.store_exams import ExamTables
from quiz.timestamps import now_iso
from quiz.migrations import MIGRATIONS
from quiz.migrations import statements as _statements
from quiz.storeerror import StoreError

__all__ = ["MIGRATIONS", "SUBMISSION", "CRAM", "Attempt", "Store", "StoreError", "now_iso"]


# a submission, as opposed to a review of an exercise's candidate lines (detail.via = "review")
SUBMISSION = "kind = 'exercise' AND (detail IS NULL OR json_extract(detail, '$.via') IS NULL)"
# a cram answer (rabbit review --cram), which the review schedule leaves out (detail.cram = true)
CRAM = "(CASE WHEN json_valid(detail) THEN coalesce(json_type(detail, '$.cram') = 'true', 0) ELSE 0 END)"

# the derived tables remember how far into the log they have folded (derived_meta keys)
REVIEW_MARK = "last_attempt"
SUMMARY_MARK = "summary_last"
_SUMMARY_TABLES = ("summary_item_day", "summary_item", "summary_day", "summary_exercise")



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


class Store(ExamTables):
    """The attempt log and what is derived from it (the mock exams' tables: quiz.store_exams)."""

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
        with _immediate(db):
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

    @contextmanager
    def transaction(self, what: str = "write to") -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE, COMMIT at the end, ROLLBACK on any exception: the statements inside
        happen together or not at all. Taking the write lock waits for another rabbit up to the
        busy timeout; a database that cannot be written raises StoreError ("could not {what} ...")."""
        db = self.connect()
        try:
            with _immediate(db):
                yield db
        except sqlite3.Error as e:
            raise StoreError(_write_failure(self.path, e, what)) from None

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


    _HISTORY = ("id", "item_id", "kind", "correct", "answer", "duration_ms", "answered_at", "item_hash", "detail")

    def recent_attempts(self, limit: int) -> list[dict]:
        """The `limit` most recent attempts, newest first (rabbit history); `detail` as a dict (or None)."""
        rows = self.connect().execute(f"SELECT {', '.join(self._HISTORY)} FROM attempts ORDER BY id DESC LIMIT ?", (limit,))
        return [_with_detail(dict(zip(self._HISTORY, r))) for r in rows]

    def attempt(self, attempt_id: int) -> dict | None:
        """One attempt by its id, as recent_attempts gives it; None if there is none (rabbit history --show)."""
        row = self.connect().execute(f"SELECT {', '.join(self._HISTORY)} FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        return _with_detail(dict(zip(self._HISTORY, row))) if row else None

    def last_answers(self, item_ids: list[str], n: int = 3) -> dict[str, list[dict]]:
        """item_id -> its last `n` attempts ({correct, detail as stored}), oldest first (generator mastery)."""
        out: dict[str, list[dict]] = {}
        db = self.connect()
        for i in range(0, len(item_ids), 500):
            chunk = item_ids[i : i + 500]
            q = (f"SELECT item_id, correct, detail FROM (SELECT item_id, correct, detail, id, row_number() OVER "
                 f"(PARTITION BY item_id ORDER BY id DESC) AS k FROM attempts WHERE item_id IN ({','.join('?' * len(chunk))})) "
                 f"WHERE k <= ? ORDER BY item_id, id")
            for item, correct, detail in db.execute(q, [*chunk, n]):
                out.setdefault(item, []).append({"correct": correct, "detail": detail})
        return out

    def last_hashes_ignoring_cram(self) -> dict[str, str]:
        """item_id -> the content hash the item had at its last answer that was not a cram answer."""
        return dict(self.connect().execute(
            "SELECT a.item_id, a.item_hash FROM attempts a JOIN (SELECT item_id, max(id) AS id FROM attempts "
            f"WHERE NOT {CRAM} GROUP BY item_id) l ON a.id = l.id"))

    def last_attempt_id(self) -> int:
        """The id of the newest row of the log (0 for an empty log)."""
        return self.connect().execute("SELECT max(id) FROM attempts").fetchone()[0] or 0

    # -- export and import -------------------------------------------------------
    def attempt_rows(self, columns: list[str]) -> list[tuple]:
        """Every attempt as a tuple of `columns`, in the order they were recorded."""
        return self.connect().execute(f"SELECT {', '.join(columns)} FROM attempts ORDER BY id").fetchall()

    def merge_attempts(self, columns: list[str], records: list[tuple]) -> int:
        """Add the records whose uid is not in the log yet, all or nothing; returns how many were added."""
        with self.transaction("import into") as db:
            before = db.execute("SELECT count(*) FROM attempts").fetchone()[0]
            db.executemany(
                f"INSERT OR IGNORE INTO attempts ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                records)
            return db.execute("SELECT count(*) FROM attempts").fetchone()[0] - before

    # -- derived state (may be dropped and rebuilt from the log at any time) -------
    def folded_up_to(self, mark: str) -> int:
        """The id of the last attempt a derived table has folded in (REVIEW_MARK, SUMMARY_MARK); 0 for none."""
        row = self.connect().execute("SELECT value FROM derived_meta WHERE key = ?", (mark,)).fetchone()
        return int(row[0]) if row else 0

    def mark_folded(self, mark: str, attempt_id: int) -> None:
        self.connect().execute("INSERT INTO derived_meta (key, value) VALUES (?, ?) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (mark, str(attempt_id)))

    def review_rows(self, after: int = 0, by_time: bool = False) -> list[tuple]:
        """(id, item_id, correct, answered_at, detail, kind, cram) of the attempts after id `after`,
        in id order, or in time order with `by_time` (a replay of the whole log)."""
        order = "answered_at, id" if by_time else "id"
        return self.connect().execute(
            f"SELECT id, item_id, correct, answered_at, detail, kind, {CRAM} FROM attempts WHERE id > ? "
            f"ORDER BY {order}", (after,)).fetchall()

    def attempt_before(self, item_id: str, attempt_id: int) -> tuple | None:
        """(correct, detail, kind) of the item's attempt just before `attempt_id`, if any."""
        return self.connect().execute("SELECT correct, detail, kind FROM attempts WHERE item_id = ? AND id < ? "
                                      "ORDER BY id DESC LIMIT 1", (item_id, attempt_id)).fetchone()

    def review_cards(self, item_ids: list[str] | None = None) -> dict[str, str]:
        """item_id -> the scheduler's card as stored (JSON), for `item_ids` (default: every card)."""
        db = self.connect()
        if item_ids is None:
            return dict(db.execute("SELECT item_id, card FROM review_state"))
        out: dict[str, str] = {}
        for i in range(0, len(item_ids), 500):
            chunk = item_ids[i : i + 500]
            out.update(db.execute(f"SELECT item_id, card FROM review_state WHERE item_id IN ({','.join('?' * len(chunk))})",
                                  chunk))
        return out

    def save_review_cards(self, cards: list[tuple[str, str, int]]) -> None:
        """(item_id, card as JSON, id of the last attempt folded into it) for each changed card."""
        self.connect().executemany(
            "INSERT INTO review_state (item_id, card, last_attempt) VALUES (?, ?, ?) "
            "ON CONFLICT(item_id) DO UPDATE SET card = excluded.card, last_attempt = excluded.last_attempt", cards)

    def clear_review_state(self) -> None:
        db = self.connect()
        db.execute("DELETE FROM review_state")
        db.execute("DELETE FROM derived_meta WHERE key = ?", (REVIEW_MARK,))

    def fold_summaries(self, after: int, upto: int) -> None:
        """Fold the attempts with after < id <= upto into the stats summaries (call inside a transaction)."""
        db = self.connect()
        for statement in _FOLD_SUMMARIES:
            db.execute(statement.replace("id > ?", f"id > {int(after)} AND id <= {int(upto)}"))
        self.mark_folded(SUMMARY_MARK, upto)

    def clear_summaries(self) -> None:
        db = self.connect()
        for table in _SUMMARY_TABLES:
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM derived_meta WHERE key = ?", (SUMMARY_MARK,))

    def summaries(self, since_day: str) -> dict:
        """What rabbit stats reads from the folded summaries (`since_day`: the first day of the activity line, exclusive)."""
        db = self.connect()
        return {
            "latest": db.execute("SELECT item_id, correct, item_hash FROM summary_item").fetchall(),
            "total": db.execute("SELECT coalesce(sum(total), 0) FROM summary_day").fetchone()[0],
            "activity": db.execute("SELECT day, total FROM summary_day WHERE day > ?", (since_day,)).fetchall(),
            "days": {d for (d,) in db.execute("SELECT day FROM summary_day")},
            "exercises": db.execute("SELECT item_id, submissions, first_pass_at, last_at FROM summary_exercise").fetchall(),
        }

    def weighted_answers(self, weight) -> list[tuple[str, float, float, int]]:
        """Per item answered: (item_id, sum of weight(day) x right, sum of weight(day) x answers, answers),
        over its answers by UTC day (summary_item_day). `weight` is asked once per distinct day and
        the sums are SQLite's: a large log has tens of thousands of item-days, a bank a thousand items."""
        db = self.connect()
        days = [d for (d,) in db.execute("SELECT DISTINCT day FROM summary_item_day")]
        db.execute("CREATE TEMP TABLE IF NOT EXISTS day_weight (day TEXT PRIMARY KEY, w REAL NOT NULL)")
        db.execute("DELETE FROM temp.day_weight")
        db.executemany("INSERT INTO temp.day_weight (day, w) VALUES (?, ?)", [(d, weight(d)) for d in days])
        return db.execute("SELECT s.item_id, sum(s.right * w.w), sum(s.total * w.w), sum(s.total) FROM summary_item_day s "
                          "JOIN temp.day_weight w ON w.day = s.day GROUP BY s.item_id").fetchall()

    def answered_since(self, since_iso: str) -> set[str]:
        """The ids of the items answered at or after `since_iso` (the exam avoids them where it can)."""
        return {i for (i,) in self.connect().execute("SELECT DISTINCT item_id FROM attempts WHERE answered_at >= ?",
                                                     (since_iso,))}


_FOLD_SUMMARIES = [
    # answers per item and UTC day (the recency weighting needs no finer grain); a submission is
    # not an answer: it is folded into its exercise's outcome below
    """INSERT INTO summary_item_day (item_id, day, right, total)
       SELECT item_id, substr(answered_at, 1, 10), sum(correct), count(*) FROM attempts
       WHERE id > ? AND NOT (""" + SUBMISSION + """) GROUP BY 1, 2
       ON CONFLICT(item_id, day) DO UPDATE SET right = right + excluded.right, total = total + excluded.total""",
    # the latest answer per item, by time (an import may add older rows later)
    """INSERT INTO summary_item (item_id, last_at, correct, item_hash)
       SELECT a.item_id, a.answered_at, a.correct, a.item_hash FROM attempts a
       JOIN (SELECT item_id, max(answered_at) AS m FROM attempts WHERE id > ? GROUP BY item_id) x
         ON a.item_id = x.item_id AND a.answered_at = x.m
       WHERE true
       ON CONFLICT(item_id) DO UPDATE SET last_at = excluded.last_at, correct = excluded.correct,
         item_hash = excluded.item_hash WHERE excluded.last_at >= summary_item.last_at""",
    # per exercise: how many submissions, when it first passed (a review of its candidate lines
    # does not count), when it was last tried
    """INSERT INTO summary_exercise (item_id, submissions, first_pass_at, last_at)
       SELECT item_id, count(*), min(CASE WHEN correct = 1 THEN answered_at END), max(answered_at) FROM attempts
       WHERE id > ? AND """ + SUBMISSION + """ GROUP BY item_id
       ON CONFLICT(item_id) DO UPDATE SET submissions = submissions + excluded.submissions,
         first_pass_at = coalesce(min(first_pass_at, excluded.first_pass_at), first_pass_at, excluded.first_pass_at),
         last_at = max(last_at, excluded.last_at)""",
    # answers per local calendar day, for the streak and the activity line
    """INSERT INTO summary_day (day, total)
       SELECT date(answered_at, 'localtime'), count(*) FROM attempts WHERE id > ? GROUP BY 1
       ON CONFLICT(day) DO UPDATE SET total = total + excluded.total""",
]


def _with_detail(row: dict) -> dict:
    """The row with its `detail` JSON decoded (None when there is none or it is not JSON)."""
    try:
        detail = json.loads(row["detail"]) if row["detail"] else None
    except ValueError:
        detail = None
    row["detail"] = detail if isinstance(detail, dict) else None
    return row


@contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[None]:
    if db.in_transaction:  # one a Ctrl-C cut short between its BEGIN and its end: not done, so undone
        db.execute("ROLLBACK")
    try:
        db.execute("BEGIN IMMEDIATE")  # waits for another writer up to the connection's busy timeout
        yield
        db.execute("COMMIT")
    except BaseException:  # KeyboardInterrupt too, wherever it lands
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _write_failure(path: Path, e: Exception, what: str = "write to") -> str:
    text = str(e)
    if "full" in text or "disk I/O" in text:
        hint = "The disk may be full: free some space and try again; nothing already recorded was lost."
    elif "locked" in text:
        hint = "Another rabbit is holding the database: try again in a moment."
    elif "readonly" in text or "read-only" in text or "unable to open" in text:
        hint = "The directory is read-only: set RABBIT_HOME to a writable directory."
    else:
        hint = "Check that RABBIT_HOME points to a writable directory."
    return f"could not {what} {path} ({text}). {hint}"

