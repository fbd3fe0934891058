"""The attempt log's schema: an ordered list of migrations, each run once and recorded in the
database's user_version (quiz.store applies them)."""

from __future__ import annotations

import sqlite3

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

_M6_EXAMS = """
        -- rabbit exam: one row per mock exam, its answers as they are given (quiz.exam); the
        -- final answers reach the attempt log when the exam is handed in (session 'exam:<id>')
        CREATE TABLE exams (
            id INTEGER PRIMARY KEY,
            seed INTEGER NOT NULL,             -- draws the items, the options' order, the variants
            started TEXT NOT NULL,             -- ISO 8601, UTC
            minutes REAL NOT NULL,
            items TEXT NOT NULL,               -- JSON: the item ids, in the exam's order
            state TEXT NOT NULL,               -- 'running' | 'paused' | 'completed'
            time_left REAL NOT NULL,           -- seconds left, saved at every answer, flag and move
            last_seen TEXT NOT NULL,           -- when time_left was saved (ISO 8601, UTC)
            finished TEXT,                     -- when it was handed in or time ran out
            result TEXT                        -- JSON: the score and the areas, once completed
        );
        CREATE TABLE exam_answers (
            exam_id INTEGER NOT NULL REFERENCES exams(id),
            position INTEGER NOT NULL,         -- 0-based place in the exam
            item_id TEXT NOT NULL,
            line TEXT,                         -- the answer as typed (shown numbering); NULL: none yet
            answer TEXT,                       -- as judged (original numbering)
            correct INTEGER,
            flagged INTEGER NOT NULL DEFAULT 0,
            duration_ms INTEGER,
            answered_at TEXT,
            PRIMARY KEY (exam_id, position)
        ) WITHOUT ROWID;
"""

MIGRATIONS = [_M1_ATTEMPTS, _M2_DERIVED_AND_CONFIG, _M3_SUMMARIES, _M4_PASSED, _M5_EXERCISE_OUTCOMES, _M6_EXAMS]


def statements(script: str):
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
