"""Practice does not drag accuracy down: an exercise is one item whose state is its outcome."""

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.store import Store

runner = CliRunner()


def _bank():
    from quiz import bank
    from quiz.exercises import load_all

    return {q.id: q for q in bank.load()}, load_all()


def add(item_id, correct, kind="question", item_hash=None, detail=None, minutes_ago=0.0):
    store = Store()
    when = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    store.connect().execute(
        "INSERT INTO attempts (uid, item_id, kind, correct, answer, duration_ms, answered_at, session, item_hash, detail)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        (os.urandom(8).hex(), item_id, kind, int(correct), "x", 1000, when.isoformat(timespec="milliseconds"), None,
         item_hash, json.dumps(detail) if detail else None))
    store.close()


def submission(ex, passed, minutes_ago=0.0):
    """A row as `rabbit submit` / `rabbit watch` records it."""
    add(ex.id, passed, kind="exercise", item_hash=ex.content_hash, minutes_ago=minutes_ago,
        detail={"passed_cases": 5 if passed else 0, "cases": 5, "reason": "", "failed": []})


def stats(*args):
    result = runner.invoke(app, ["stats", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def s2(data):
    return next(r for r in data["sections"] if r["day"] == 3 and r["section"] == 2)


def three_right_in_s2(questions):
    chosen = [q for q in questions.values() if q.day == 3 and q.section == 2 and q.type == "choice"][:3]
    for q in chosen:
        add(q.id, True, item_hash=q.content_hash, minutes_ago=30)
    return chosen


def test_failed_submissions_before_the_pass_do_not_lower_accuracy():
    questions, exercises = _bank()
    three_right_in_s2(questions)
    lstm = exercises["lstm"]
    for i in range(3):
        submission(lstm, False, minutes_ago=10 - i)
    submission(lstm, True, minutes_ago=1)
    data = stats("day3")
    sec = s2(data)
    assert sec["accuracy"] == pytest.approx(1.0)
    in_s2 = sum(1 for e in exercises.values() if (e.day, e.section) == (3, 2))
    assert sec["exercises_passed"] == 1 and sec["exercises"] == in_s2
    assert sec["seen"] == 4  # three questions and lstm, once
    assert sec["attempts"] == 7  # the history keeps every submission
    assert all(w["section"] != 2 or w["accuracy"] == 1.0 for w in data["weakest"])


def _day_weight(minutes_ago: float) -> float:
    from quiz.progress import HALF_LIFE_DAYS

    now = datetime.now(timezone.utc)
    return 0.5 ** ((now.date() - (now - timedelta(minutes=minutes_ago)).date()).days / HALF_LIFE_DAYS)


def test_an_unpassed_exercise_is_one_miss_however_often_it_was_tried():
    questions, exercises = _bank()
    three_right_in_s2(questions)
    for i in range(5):  # five watch saves, all failing
        submission(exercises["lstm"], False, minutes_ago=10 - i)
    sec = s2(stats("day3"))
    # 3 right answers + 1 exercise not passed yet: 0.75, each weighed by its UTC day's age (just
    # after midnight the answers of 30 minutes ago are yesterday's)
    w_answers, w_exercise = _day_weight(minutes_ago=30), _day_weight(minutes_ago=6)
    assert sec["accuracy"] == pytest.approx(3 * w_answers / (3 * w_answers + w_exercise), abs=1e-3)
    assert sec["exercises_passed"] == 0 and sec["seen"] == 4


def test_passed_once_stays_passed():
    questions, exercises = _bank()
    three_right_in_s2(questions)
    submission(exercises["lstm"], True, minutes_ago=20)
    submission(exercises["lstm"], False, minutes_ago=5)  # tinkering after the pass
    sec = s2(stats("day3"))
    assert sec["accuracy"] == pytest.approx(1.0) and sec["exercises_passed"] == 1


def test_weakest_first_follows_answers_not_practice():
    questions, exercises = _bank()
    three_right_in_s2(questions)
    s1 = [q for q in questions.values() if q.day == 3 and q.section == 1 and q.type == "choice"][:2]
    add(s1[0].id, True, item_hash=s1[0].content_hash)
    add(s1[1].id, False, item_hash=s1[1].content_hash)
    for i in range(5):
        submission(exercises["lstm"], False, minutes_ago=10 - i)
    submission(exercises["lstm"], True, minutes_ago=1)
    assert stats("day3")["weakest"][0]["section"] == 1


def _lstm_card(tries):
    from quiz import review

    lstm = _bank()[1]["lstm"]
    for i, passed in enumerate(tries):
        submission(lstm, passed, minutes_ago=len(tries) - i)
    store = Store()
    review.sync(store)
    synced = review.cards(store)[lstm.id]
    review.rebuild(store)
    rebuilt = review.cards(store)[lstm.id]
    assert (rebuilt["stability"], rebuilt["due"]) == (synced["stability"], synced["due"])  # sync and rebuild agree
    store.close()
    return synced


def test_a_run_of_failed_saves_is_one_miss_for_the_review_schedule(monkeypatch, rabbit_home):
    once = _lstm_card([False, True])
    monkeypatch.setenv("RABBIT_HOME", str(rabbit_home) + "-2")
    watched = _lstm_card([False, False, False, False, True])  # four failing saves under rabbit watch
    assert watched["stability"] == pytest.approx(once["stability"])
    assert (watched["state"], watched["step"]) == (once["state"], once["step"])


def test_an_exercise_never_passed_is_still_scheduled_for_review(monkeypatch, rabbit_home):
    from datetime import datetime as dt

    card = _lstm_card([False, False, False])
    assert dt.fromisoformat(card["due"]) < dt.now(timezone.utc) + timedelta(days=1)


def test_a_log_folded_by_the_previous_version_is_refolded(rabbit_home):
    """Summaries folded before this change counted every submission; upgrading refolds them."""
    import sqlite3

    from quiz.store import MIGRATIONS, _statements

    questions, exercises = _bank()
    lstm = exercises["lstm"]
    rabbit_home.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(rabbit_home / "rabbit.db", isolation_level=None)
    for script in MIGRATIONS[:4]:  # a database of the previous schema, written by the previous rabbit
        for statement in _statements(script):
            db.execute(statement)
    db.execute("PRAGMA user_version = 4")
    now = datetime.now(timezone.utc)
    chosen = [q for q in questions.values() if q.day == 3 and q.section == 2 and q.type == "choice"][:3]
    rows = [(q.id, "question", 1, None) for q in chosen] + [(lstm.id, "exercise", 0, None)] * 3 + [(lstm.id, "exercise", 1, None)]
    for i, (item, kind, correct, detail) in enumerate(rows):
        db.execute("INSERT INTO attempts (uid, item_id, kind, correct, answered_at) VALUES (?,?,?,?,?)",
                   (f"u{i}", item, kind, correct, (now - timedelta(minutes=10 - i)).isoformat(timespec="milliseconds")))
    day = now.date().isoformat()
    for q in chosen:  # what the previous fold left behind
        db.execute("INSERT INTO summary_item_day VALUES (?, ?, 1, 1)", (q.id, day))
    db.execute("INSERT INTO summary_item_day VALUES (?, ?, 1, 4)", (lstm.id, day))
    db.execute("INSERT INTO summary_passed VALUES (?)", (lstm.id,))
    db.execute("INSERT INTO derived_meta VALUES ('summary_last', ?)", (str(len(rows)),))
    db.close()
    sec = s2(stats("day3"))
    assert sec["accuracy"] == pytest.approx(1.0) and sec["exercises_passed"] == 1 and sec["seen"] == 4
