"""The mock exam's record (quiz.store, migration 6): an exam and each answer are stored as they are
given, so a killed exam can be resumed; handing in writes the final answers to the attempt log."""

from __future__ import annotations

import sqlite3

from quiz.store import MIGRATIONS, Attempt, Store


def test_an_older_database_gains_the_exam_tables_and_keeps_its_attempts(rabbit_home):
    from quiz.store import _statements

    rabbit_home.mkdir(parents=True)
    db = sqlite3.connect(rabbit_home / "rabbit.db", isolation_level=None)
    for script in MIGRATIONS[:5]:
        for statement in _statements(script):
            db.execute(statement)
    db.execute("PRAGMA user_version = 5")
    db.execute("INSERT INTO attempts (uid, item_id, kind, correct, answered_at) VALUES ('u', 'd3.s1.a', 'question', 1, '2025-01-01')")
    db.close()
    store = Store()
    assert [a["item_id"] for a in store.attempts()] == ["d3.s1.a"]
    assert store.exam_create(7, 120, ["a", "b"]) == 1


def test_answers_and_flags_are_stored_as_given_and_read_back_from_another_connection(rabbit_home):
    store = Store()
    exam = store.exam_create(42, 24, ["q.a", "q.b", "q.c"])
    store.exam_answer(exam, 0, "q.a", "2", "3", True, 1500, time_left=1400.0)
    store.exam_answer(exam, 0, "q.a", "1", "4", False, 900, time_left=1300.0)  # changed: the last one counts
    store.exam_flag(exam, 2, "q.c", True, time_left=1200.0)
    again = Store()
    row = again.exam_get(exam)
    assert (row["seed"], row["minutes"], row["items"], row["state"]) == (42, 24, ["q.a", "q.b", "q.c"], "running")
    assert row["time_left"] == 1200.0
    answers = again.exam_answers(exam)
    assert answers[0]["line"] == "1" and answers[0]["correct"] is False
    assert answers[2]["flagged"] and answers[2]["line"] is None
    assert 1 not in answers


def test_the_exam_to_resume_is_the_latest_not_handed_in(rabbit_home):
    store = Store()
    first = store.exam_create(1, 120, ["a"])
    second = store.exam_create(2, 120, ["a"])
    store.exam_set_state(second, "paused", 100.0)
    assert store.exam_unfinished()["id"] == second
    store.exam_hand_in(second, [], {"score": 0.0}, 50.0)
    assert store.exam_unfinished()["id"] == first
    store.exam_hand_in(first, [], {"score": 1.0}, 0.0)
    assert store.exam_unfinished() is None
    assert [e["id"] for e in store.exam_list()] == [first, second]


def test_handing_in_records_the_attempts_and_the_result_together(rabbit_home):
    store = Store()
    exam = store.exam_create(3, 120, ["q.a"])
    store.exam_hand_in(exam, [Attempt("q.a", "question", True, "2", 100, f"exam:{exam}", "h", {"exam": exam})],
                       {"score": 1.0}, 60.0)
    (attempt,) = store.attempts()
    assert attempt["session"] == f"exam:{exam}" and '"exam": 1' in attempt["detail"]
    row = store.exam_get(exam)
    assert row["state"] == "completed" and row["result"] == {"score": 1.0} and row["time_left"] == 60.0


def test_items_answered_since_a_time(rabbit_home):
    store = Store()
    store.record(Attempt("q.recent", "question", True))
    assert store.answered_since("2000-01-01") == {"q.recent"}
    assert store.answered_since("2999-01-01") == set()
