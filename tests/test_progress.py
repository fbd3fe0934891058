"""stats, review, history, export/import and config, as a learner uses them."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from functools import cache

import pytest
from typer.testing import CliRunner

from quiz import bank, session
from quiz.cli import app
from quiz.exercises import load_all
from quiz.store import Store

runner = CliRunner()


@cache
def questions():
    """id -> question of the shipped bank, loaded on first use inside a test (under its RABBIT_HOME)."""
    return {q.id: q for q in bank.load()}


def rabbit(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def add(item_id, correct, days_ago=0.0, kind="question", item_hash=None, detail=None):
    """An attempt recorded at a chosen time (the log is append-only; inserting is allowed)."""
    store = Store()
    store.connect()
    when = datetime.now(timezone.utc) - timedelta(days=days_ago)
    if item_hash is None:
        item_hash = questions()[item_id].content_hash if item_id in questions() else None
    store.connect().execute(
        "INSERT INTO attempts (uid, item_id, kind, correct, answer, duration_ms, answered_at, session, item_hash, detail)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        (os.urandom(8).hex(), item_id, kind, int(correct), "x", 1000, when.isoformat(timespec="milliseconds"), None,
         item_hash, json.dumps(detail) if detail else None))
    store.close()


def stats(*args):
    result = rabbit("stats", "--json", *args)
    assert result.exit_code == 0, result.stdout
    return json.loads(result.stdout)


def section(data, day, sec):
    return next(r for r in data["sections"] if r["day"] == day and r["section"] == sec)


def ids(day, sec, kind="choice"):
    return [q.id for q in questions().values() if q.day == day and q.section == sec and q.type == kind]


def test_empty_log():
    data = stats()
    assert data["total_attempts"] == 0 and data["streak"] == 0 and data["readiness"] is None
    assert all(r["seen"] == 0 and r["accuracy"] is None for r in data["sections"])
    assert "rabbit quiz day3" in rabbit("stats").stdout


def test_coverage_and_recency_weighted_accuracy():
    a, b = ids(3, 2)[:2]
    add(a, False, days_ago=28)  # an old miss weighs a quarter of today's answer (half-life 14 days)
    add(a, True, days_ago=0)
    add(b, True, days_ago=0)
    s = section(stats(), 3, 2)
    assert s["seen"] == 2 and s["attempts"] == 3
    assert s["coverage"] == pytest.approx(2 / s["items"], abs=1e-4)
    assert s["accuracy"] == pytest.approx(2 / 2.25, abs=1e-3)


def test_weakest_sections_first_and_exercises_passed():
    add(ids(3, 1)[0], False)
    add(ids(3, 5)[0], True)
    add("ex.lstm", False, kind="exercise", item_hash=load_all()["lstm"].content_hash)
    add("ex.lstm", True, kind="exercise", item_hash=load_all()["lstm"].content_hash)
    data = stats("day3")
    assert data["weakest"][0]["section"] == 1
    assert section(data, 3, 2)["exercises_passed"] == 1
    assert {r["day"] for r in data["sections"]} == {3}


def test_streak_and_activity():
    q = ids(3, 1)[0]
    for d in (0, 1, 2, 4):
        add(q, True, days_ago=d)
    data = stats()
    assert data["streak"] == 3
    assert len(data["activity"]) == 28 and data["activity"][-1]["count"] == 1
    assert sum(a["count"] for a in data["activity"]) == 4


def test_changed_item_is_flagged_not_reset():
    q = ids(3, 3)[0]
    add(q, True, item_hash="an-older-version")
    data = stats()
    assert data["changed_items"] == [q]
    assert section(data, 3, 3)["seen"] == 1  # still counted


def test_exam_date_readiness_with_caveat():
    assert rabbit("config", "exam-date", "2099-13-01").exit_code == 2
    assert rabbit("config", "exam-date", "２０９９－０１－１５").exit_code == 0  # IME digits
    assert rabbit("config", "exam-date").stdout.strip() == "2099-01-15"
    q = ids(3, 4)[0]
    add(q, True, days_ago=3)
    data = stats()
    r = data["readiness"]
    assert r["exam_date"] == "2099-01-15" and "practised" in r["caveat"]
    s4 = next(x for x in r["sections"] if x["day"] == 3 and x["section"] == 4)
    assert s4["practised"] == 1 and 0 < s4["recall"] < 0.9  # far in the future: recall has decayed
    soon = stats("--exam-date", (datetime.now().date() + timedelta(days=1)).isoformat())["readiness"]
    far = next(x for x in soon["sections"] if x["day"] == 3 and x["section"] == 4)["recall"]
    assert far > s4["recall"]
    assert rabbit("config", "exam-date", "--clear").exit_code == 0
    assert stats()["readiness"] is None


def test_history_newest_first():
    for i, q in enumerate(ids(3, 6)[:5]):
        add(q, i % 2 == 0, days_ago=5 - i)
    rows = json.loads(rabbit("history", "--limit", "3", "--json").stdout)
    assert [r["item_id"] for r in rows] == ids(3, 6)[:5][::-1][:3]


def test_export_import_round_trip_reproduces_stats(tmp_path, monkeypatch):
    for i, q in enumerate(ids(3, 1)[:4] + ids(3, 7)[:3]):
        add(q, i % 3 != 0, days_ago=i)
    add("ex.gru", True, kind="exercise", item_hash=load_all()["gru"].content_hash)
    before = stats()
    for fmt in ("json", "csv"):
        out = tmp_path / f"log.{fmt}"
        assert rabbit("export", "--format", fmt, "--output", str(out)).exit_code == 0
        monkeypatch.setenv("RABBIT_HOME", str(tmp_path / f"new-{fmt}"))
        result = rabbit("import", str(out), "--lang", "en")
        assert result.exit_code == 0 and "Added 8" in result.stdout
        again = rabbit("import", str(out), "--lang", "en")
        assert "Added 0" in again.stdout and "8 were already there" in again.stdout
        assert stats() == before


def test_import_rejects_a_bad_file_whole(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "rabbit-attempts", "version": 1, "attempts": [
        {"uid": "a", "item_id": "d3.s1.x", "kind": "question", "correct": 1, "answered_at": "2026-01-01T00:00:00+00:00"},
        {"uid": "b", "item_id": "d3.s1.x", "kind": "question", "correct": "maybe", "answered_at": "2026-01-01T00:00:00+00:00"},
    ]}), encoding="utf-8")
    result = rabbit("import", str(bad))
    assert result.exit_code == 2 and "2 件目" in result.stderr and "correct" in result.stderr
    assert stats()["total_attempts"] == 0
    assert rabbit("import", str(tmp_path / "missing.json")).exit_code == 2
    assert rabbit("export", "--format", "xml").exit_code == 2


def _review(args, lines):
    env = dict(os.environ, RABBIT_LANG="en")
    return subprocess.run([sys.executable, "-m", "quiz", "review", "--json", *args], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, env=env, timeout=60)


SEED = 7  # review --seed 7: options shown in the order session.option_order gives for it


def shown(q, original, round_=0, n=None):
    """What to type to pick option `original` of question q at its `round_`-th showing in a --seed SEED run."""
    order = session.option_order(SEED, q.id, n or len(q.options), q.shuffle, round_)
    return str(session.shown_number(order, original))


def test_review_serves_due_items_and_missed_ones_come_back():
    due = ids(3, 2)[:2]
    add(due[0], True, days_ago=31)  # long overdue, the first the most
    add(due[1], True, days_ago=30)
    nothing = _review([], [])
    first, second = (questions()[q] for q in due)
    order = json.loads(_review(["--seed", str(SEED)], [
        shown(first, first.answer % 4 + 1), shown(second, second.answer % 4 + 1),  # both wrong
        shown(first, first.answer, 1), shown(second, second.answer, 1)]).stdout)  # right when they come back
    assert json.loads(nothing.stdout)["items"] == []  # consumed by nothing (the first run had no input)
    served = [i["id"] for i in order["items"]]
    assert served == due + due  # most overdue first; both missed, both back later
    assert [i["correct"] for i in order["items"]] == [False, False, True, True]
    assert [i["answer"] for i in order["items"]][2:] == [str(first.answer), str(second.answer)]  # recorded as written


def test_review_shuffles_options_per_run_and_prints_its_seed():
    q, other = (questions()[i] for i in ids(3, 2)[:2])
    assert q.shuffle and shown(q, q.answer) != str(q.answer)  # SEED moves the right option away from its place
    add(q.id, True, days_ago=31)
    add(other.id, True, days_ago=30)
    typed_as_written = json.loads(_review(["--seed", str(SEED), "--count", "1"], [str(q.answer)] * 2).stdout)
    order = session.option_order(SEED, q.id, len(q.options), q.shuffle)
    # the place where the right option is written holds another one: a miss, recorded by its original number
    assert typed_as_written["items"][0] == {"id": q.id, "correct": False, "answer": str(order[q.answer - 1]),
                                            "section": 2}
    assert typed_as_written["seed"] == SEED
    out = _review(["--count", "1"], ["1", "1"])  # no --seed: a seed is drawn and printed, as rabbit quiz does
    assert json.loads(out.stdout)["items"][0]["id"] == other.id
    seed = json.loads(out.stdout)["seed"]
    assert isinstance(seed, int) and f"rabbit review --seed {seed}" in out.stderr


def test_review_nothing_due_and_cram_does_not_move_the_schedule(rabbit_home):
    from quiz import review

    out = _review([], [])
    assert out.returncode == 0 and "Nothing is due" in out.stdout
    q = ids(3, 5)[0]
    add(q, True, days_ago=0)
    store = Store()
    review.sync(store)
    before = review.cards(store)[q]
    crammed = _review(["--cram", "--count", "2"], ["1", "1", "1", "1"])
    summary = json.loads(crammed.stdout)
    assert summary["asked"] >= 2
    rows = sqlite3.connect(rabbit_home / "rabbit.db").execute(
        "SELECT detail FROM attempts WHERE detail IS NOT NULL").fetchall()
    assert rows and all(json.loads(d)["cram"] for (d,) in rows)
    review.sync(store)
    assert review.cards(store)[q] == before


def test_a_due_exercise_is_reviewed_through_its_code_choice():
    lstm = load_all()["lstm"]
    add("ex.lstm", False, kind="exercise", item_hash=lstm.content_hash, days_ago=40)
    code = next(q for q in questions().values() if q.type == "code" and q.exercise == "lstm")
    out = _review(["--seed", str(SEED)], [shown(code, lstm.answer, n=len(lstm.options))])
    summary = json.loads(out.stdout)
    assert summary["items"] == [{"id": "ex.lstm", "correct": True, "answer": str(load_all()["lstm"].answer),
                                 "section": 2}]
    rows = Store().attempts("ex.lstm")
    assert rows[-1]["kind"] == "exercise" and rows[-1]["correct"] == 1
    # choosing the right line is not passing the exercise: only a submission passes it
    status = {r["name"]: r["status"] for r in json.loads(rabbit("exercises", "--json").stdout)}
    assert status["lstm"] == "failed"
    assert section(stats(), 3, 2)["exercises_passed"] == 0


def test_review_state_can_be_rebuilt_from_the_log():
    from quiz import review

    for i, q in enumerate(ids(3, 6)[:4]):
        add(q, i % 2 == 0, days_ago=10 - i)
    store = Store()
    review.sync(store)
    incremental = review.cards(store)
    review.rebuild(store)
    rebuilt = review.cards(store)
    strip = lambda cards: {k: {f: v for f, v in c.items() if f != "card_id"} for k, c in cards.items()}
    assert strip(incremental) == strip(rebuilt)
