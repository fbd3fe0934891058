"""`rabbit quiz` sessions: a sensible size by default (unseen, then weak, then the rest), `--count
all`, `?` for "I don't know", and a self-grade prompt that says what it accepts."""

import json
import os
import sqlite3
import subprocess
import sys

from quiz import bank, session
from quiz.kinds import right_answer
from quiz.exercises import load_all
from quiz.store import Attempt, Store


def quiz(args, stdin="", **env):
    return subprocess.run([sys.executable, "-m", "quiz", "quiz", *args], input=stdin, capture_output=True,
                          text=True, env=dict(os.environ, **env), timeout=120)


def day3():
    return [q for q in bank.load() if q.day == 3]


def rows(home):
    db = sqlite3.connect(home / "rabbit.db")
    return db.execute("SELECT item_id, correct, answer, detail FROM attempts ORDER BY id").fetchall()


def test_default_session_is_ten_questions_not_the_whole_day():
    out = quiz(["day3", "--seed", "3", "--json"])
    assert out.returncode == 1, out.stderr[-2000:]
    assert json.loads(out.stdout)["planned"] == 10
    assert "1/10" in out.stderr and "1/124" not in out.stderr


def test_count_all_serves_every_question_of_the_day():
    out = quiz(["day3", "--count", "all", "--seed", "3", "--json"])
    assert json.loads(out.stdout)["planned"] == len(day3())


def test_help_states_the_default_and_all():
    out = subprocess.run([sys.executable, "-m", "quiz", "quiz", "--help"], capture_output=True, text=True,
                         env=dict(os.environ, COLUMNS="200"), timeout=60)
    assert "default 10" in out.stdout and "all" in out.stdout


def test_bad_count_is_a_usage_error_with_a_clear_message():
    for bad in ("0", "-3", "ten", "2.5", ""):
        out = quiz(["day3", "--count", bad, "--lang", "en"])
        assert out.returncode == 2, (bad, out.stderr)
        assert "--count takes a positive whole number or all" in out.stderr and "Traceback" not in out.stderr
    ja = quiz(["day3", "--count", "ten"])
    assert ja.returncode == 2 and "1 以上の整数か all" in ja.stderr
    assert quiz(["day3", "--count", "３", "--seed", "1", "--json"]).returncode == 1  # full-width digits are fine


def test_unseen_first_then_weak_then_the_rest(rabbit_home):
    pool = day3()
    store = Store()
    right = pool[:len(pool) - 6]  # answered right: the rest
    weak = pool[len(pool) - 6:len(pool) - 3]  # missed last time
    for q in right:
        store.record(Attempt(q.id, "question", True, "1"))
    for q in weak:
        store.record(Attempt(q.id, "question", True, "1"))
        store.record(Attempt(q.id, "question", False, "2"))
    unseen = {q.id for q in pool[len(pool) - 3:]}
    record = {k: session.ItemRecord(*v) for k, v in store.item_records().items()}
    planned = session.select(bank.load(), 3, None, 8, 5, None, record)
    ids = [q.id for q in planned]
    assert set(ids[:3]) == unseen
    assert set(ids[3:6]) == {q.id for q in weak}
    assert set(ids[6:]) <= {q.id for q in right}
    # the quiz serves that plan: the same seed and the same record give the same session
    exercises = load_all()
    lines = [line for q in planned for line in right_answer(q, exercises, 5)]
    out = quiz(["day3", "--count", "8", "--seed", "5", "--json"], "\n".join(lines) + "\n")
    summary = json.loads(out.stdout)
    assert [i["id"] for i in summary["items"]] == ids and summary["correct"] == 8, out.stderr[-2000:]


def test_low_accuracy_counts_as_weak_even_when_the_last_answer_was_right():
    rec = {"a": session.ItemRecord(5, 2, True), "b": session.ItemRecord(5, 5, True), "c": session.ItemRecord(1, 0, False)}
    keys = sorted(rec, key=lambda k: session.priority(rec[k]))
    assert keys == ["c", "a", "b"]
    assert session.priority(None) < session.priority(rec["c"])


def _first(kind: str, seed: int):
    order = session.select(bank.load(), 3, None, None, seed)
    return order.index(next(q for q in order if q.type == kind)), order


def test_question_mark_is_a_miss_that_shows_the_key_and_the_explanation(rabbit_home):
    idx, order = _first("choice", 4)
    exercises = load_all()
    lines = [line for q in order[:idx] for line in right_answer(q, exercises, 4)] + ["？"]
    out = quiz(["day3", "--count", str(idx + 1), "--seed", "4", "--json", "--lang", "en"], "\n".join(lines) + "\n")
    summary = json.loads(out.stdout)
    assert summary["asked"] == idx + 1 and summary["items"][-1]["correct"] is False
    last = out.stderr.split(f"{idx + 1}/{idx + 1}")[-1]
    assert "Passed (recorded as a miss)" in last and "Answer: " in last and "Explanation:" in last
    item, correct, answer, detail = rows(rabbit_home)[-1]
    assert item == order[idx].id and correct == 0 and answer == "?" and json.loads(detail)["dont_know"] is True
    assert out.stderr.count("Type ? (or pass) if you don't know") == 1  # said once, on the first card


def test_pass_words_in_japanese_and_on_a_describe_item(rabbit_home):
    idx, order = _first("describe", 6)
    exercises = load_all()
    lines = [line for q in order[:idx] for line in right_answer(q, exercises, 6)] + ["わからない"]
    out = quiz(["day3", "--count", str(idx + 1), "--seed", "6", "--json"], "\n".join(lines) + "\n")
    summary = json.loads(out.stdout)
    assert summary["asked"] == idx + 1 and summary["finished"] is True  # no self-grade was waited for
    assert summary["items"][-1]["correct"] is False
    last = out.stderr.split(f"{idx + 1}/{idx + 1}")[-1]
    assert "パス" in last and "模範解答" in last and "自己採点" not in last
    assert "わからないときは ?" in out.stderr


def test_self_grade_says_what_it_accepts_on_an_unexpected_answer(rabbit_home):
    idx, order = _first("describe", 8)
    exercises = load_all()
    lines = [line for q in order[:idx] for line in right_answer(q, exercises, 8)] + ["my answer", "maybe", "はい"]
    out = quiz(["day3", "--count", str(idx + 1), "--seed", "8", "--json", "--lang", "en"], "\n".join(lines) + "\n")
    assert "Answer y (yes) or n (no). Accepted: y / n" in out.stderr
    assert json.loads(out.stdout)["items"][-1]["correct"] is True
    fresh = str(rabbit_home.parent / "fresh-home")  # the same session again needs the same (empty) record
    ja = quiz(["day3", "--count", str(idx + 1), "--seed", "8"], "\n".join(lines) + "\n", RABBIT_HOME=fresh)
    assert "y (はい) か n (いいえ) で答えてください" in ja.stdout
