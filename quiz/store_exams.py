"""The mock exams' tables (rabbit exam; quiz.exam): an exam, its answers as they are given, its
state and its result. Part of quiz.store.Store (a base class), where every statement of rabbit's SQL lives."""

from __future__ import annotations

import json
import sqlite3

from quiz.timestamps import now_iso


class ExamTables:
    def exam_create(self, seed: int, minutes: float, items: list[str]) -> int:
        """A new running exam of `items` in order; returns its id."""
        now = now_iso()
        with self.transaction() as db:
            cur = db.execute("INSERT INTO exams (seed, started, minutes, items, state, time_left, last_seen) "
                             "VALUES (?,?,?,?,'running',?,?)", (seed, now, minutes, json.dumps(items), minutes * 60.0, now))
            return cur.lastrowid

    def exam_answer(self, exam_id: int, position: int, item_id: str, line: str, answer: str, correct: bool,
                    duration_ms: int, time_left: float) -> None:
        """Store one answer as it is given (a changed answer replaces the earlier one), with the time left."""
        with self.transaction() as db:
            db.execute("INSERT INTO exam_answers (exam_id, position, item_id, line, answer, correct, duration_ms, "
                       "answered_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(exam_id, position) DO UPDATE SET "
                       "line = excluded.line, answer = excluded.answer, correct = excluded.correct, "
                       "duration_ms = excluded.duration_ms, answered_at = excluded.answered_at",
                       (exam_id, position, item_id, line, answer, int(bool(correct)), duration_ms, now_iso()))
            self._exam_time(db, exam_id, time_left)

    def exam_flag(self, exam_id: int, position: int, item_id: str, flagged: bool, time_left: float) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO exam_answers (exam_id, position, item_id, flagged) VALUES (?,?,?,?) "
                       "ON CONFLICT(exam_id, position) DO UPDATE SET flagged = excluded.flagged",
                       (exam_id, position, item_id, int(flagged)))
            self._exam_time(db, exam_id, time_left)

    def exam_touch(self, exam_id: int, time_left: float) -> None:
        """Save the time left (at every card shown), so a killed exam loses at most one card's time."""
        with self.transaction() as db:
            self._exam_time(db, exam_id, time_left)

    def exam_set_state(self, exam_id: int, state: str, time_left: float) -> None:
        with self.transaction() as db:
            db.execute("UPDATE exams SET state = ? WHERE id = ?", (state, exam_id))
            self._exam_time(db, exam_id, time_left)

    def exam_hand_in(self, exam_id: int, attempts: list, result: dict, time_left: float) -> None:
        """The final answers into the attempt log and the exam completed with its result: together or not at all."""
        with self.transaction("hand in the exam to") as db:
            for attempt in attempts:
                self.record(attempt)
            db.execute("UPDATE exams SET state = 'completed', finished = ?, result = ? WHERE id = ?",
                       (now_iso(), json.dumps(result, ensure_ascii=False), exam_id))
            self._exam_time(db, exam_id, time_left)

    @staticmethod
    def _exam_time(db: sqlite3.Connection, exam_id: int, time_left: float) -> None:
        db.execute("UPDATE exams SET time_left = ?, last_seen = ? WHERE id = ?", (max(0.0, time_left), now_iso(), exam_id))

    _EXAM_COLUMNS = ("id", "seed", "started", "minutes", "items", "state", "time_left", "last_seen", "finished", "result")

    def _exam_row(self, row) -> dict | None:
        if row is None:
            return None
        out = dict(zip(self._EXAM_COLUMNS, row))
        out["items"] = json.loads(out["items"])
        out["result"] = json.loads(out["result"]) if out["result"] else None
        return out

    def exam_get(self, exam_id: int) -> dict | None:
        return self._exam_row(self.connect().execute(
            f"SELECT {', '.join(self._EXAM_COLUMNS)} FROM exams WHERE id = ?", (exam_id,)).fetchone())

    def exam_unfinished(self) -> dict | None:
        """The latest exam not handed in (running: the process was killed; or paused), if any."""
        return self._exam_row(self.connect().execute(
            f"SELECT {', '.join(self._EXAM_COLUMNS)} FROM exams WHERE state != 'completed' ORDER BY id DESC LIMIT 1").fetchone())

    def exam_latest_completed(self) -> dict | None:
        return self._exam_row(self.connect().execute(
            f"SELECT {', '.join(self._EXAM_COLUMNS)} FROM exams WHERE state = 'completed' ORDER BY id DESC LIMIT 1").fetchone())

    def exam_list(self) -> list[dict]:
        """Every exam, oldest first."""
        rows = self.connect().execute(f"SELECT {', '.join(self._EXAM_COLUMNS)} FROM exams ORDER BY id").fetchall()
        return [self._exam_row(r) for r in rows]

    def exam_answers(self, exam_id: int) -> dict[int, dict]:
        """position -> {item_id, line, answer, correct, flagged, duration_ms} for every answered or flagged item."""
        cols = ("position", "item_id", "line", "answer", "correct", "flagged", "duration_ms")
        rows = self.connect().execute(f"SELECT {', '.join(cols)} FROM exam_answers WHERE exam_id = ?", (exam_id,))
        out = {}
        for r in rows:
            d = dict(zip(cols, r))
            d["correct"] = None if d["correct"] is None else bool(d["correct"])
            d["flagged"] = bool(d["flagged"])
            out[d.pop("position")] = d
        return out

