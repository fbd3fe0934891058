"""`rabbit quiz` as a learner uses it, piped: one answer per line, every answer recorded at once."""

import json
import os
import signal
import sqlite3
import subprocess
import sys

from quiz import bank, session
from quiz.kinds import right_answer
from quiz.exercises import load_all

def _default_sigint():  # Ctrl-C reaches the child as from a terminal, even if the suite runs as a
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # background job (bash ignores SIGINT there)



def quiz(args, stdin, env_extra=None, timeout=60):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "quiz", "quiz", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=timeout)


def planned(day, count, seed, section=None, only=None):
    """The session `rabbit quiz` will serve, given the record so far (unseen first, then weak)."""
    from pathlib import Path

    from quiz.store import Store

    db = Path(os.environ["RABBIT_HOME"]) / "rabbit.db"
    record = {k: session.ItemRecord(*v) for k, v in Store().item_records().items()} if db.exists() else None
    return session.select(bank.load(), day, section, count, seed, only, record)


def right_lines(items, seed):
    """The right answers, typed by the numbers `--seed SEED` shows the options under."""
    exercises = load_all()
    lines = []
    for q in items:
        lines += right_answer(q, exercises, seed)
    return "\n".join(lines) + "\n"


def attempts(home):
    db = sqlite3.connect(home / "rabbit.db")
    return db.execute("SELECT item_id, correct, answer, session FROM attempts ORDER BY id").fetchall()


def test_all_right_answers_piped_exit_0_with_json_summary(rabbit_home):
    items = planned(3, 6, 11)
    out = quiz(["day3", "--count", "6", "--seed", "11", "--json"], right_lines(items, 11))
    assert out.returncode == 0, out.stderr[-2000:]
    summary = json.loads(out.stdout)
    assert summary["asked"] == 6 and summary["correct"] == 6 and summary["finished"] is True
    assert [i["id"] for i in summary["items"]] == [q.id for q in items]
    assert all(i["correct"] for i in summary["items"])
    assert "Traceback" not in out.stderr
    rows = attempts(rabbit_home)
    assert [r[0] for r in rows] == [q.id for q in items] and all(r[1] == 1 for r in rows)
    assert len({r[3] for r in rows}) == 1  # one session id


def test_same_seed_same_questions_same_order():
    a = quiz(["day3", "--count", "5", "--seed", "42", "--json"], "")
    b = quiz(["day3", "--count", "5", "--seed", "42", "--json"], "")
    first = [q.id for q in planned(3, 5, 42)]
    assert a.stderr.count("1/5") == 1
    # nothing answered: the summary is empty but both runs planned the same questions
    assert json.loads(a.stdout)["planned"] == json.loads(b.stdout)["planned"] == 5
    assert first == [q.id for q in planned(3, 5, 42)]
    c = quiz(["day3", "--count", "5", "--seed", "42", "--json"], right_lines(planned(3, 5, 42), 42))
    assert [i["id"] for i in json.loads(c.stdout)["items"]] == first


def test_end_of_input_ends_early_and_keeps_what_was_answered(rabbit_home):
    items = planned(3, 5, 7)
    exercises = load_all()
    lines = []
    for q in items[:2]:
        lines += right_answer(q, exercises, 7)
    out = quiz(["day3", "--count", "5", "--seed", "7", "--json"], "\n".join(lines) + "\n")
    summary = json.loads(out.stdout)
    assert summary["asked"] == 2 and summary["finished"] is False and summary["planned"] == 5
    assert "Traceback" not in out.stderr
    assert [r[0] for r in attempts(rabbit_home)] == [q.id for q in items[:2]]


def test_invalid_choice_is_asked_again_not_counted(rabbit_home):
    q = next(q for q in planned(3, 200, 3) if q.type == "choice")
    seed = 3
    order = planned(3, 200, seed)
    idx = order.index(q)
    lines = right_lines(order[:idx + 1], seed).splitlines()
    lines = lines[:-1] + ["9", "banana", lines[-1]]
    out = quiz(["day3", "--count", str(idx + 1), "--seed", str(seed), "--json", "--lang", "en"], "\n".join(lines) + "\n")
    summary = json.loads(out.stdout)
    assert summary["asked"] == idx + 1 and summary["correct"] == idx + 1
    assert "Answer with a number from 1 to 4" in out.stderr
    assert len(attempts(rabbit_home)) == idx + 1


def test_full_width_ime_answers_are_accepted():
    items = planned(3, 4, 5)
    lines = right_lines(items, 5).translate(str.maketrans("0123456789x", "０１２３４５６７８９ｘ"))
    out = quiz(["day3", "--count", "4", "--seed", "5", "--json"], lines)
    summary = json.loads(out.stdout)
    assert summary["asked"] == 4 and summary["correct"] == 4, out.stderr[-3000:]


def test_wrong_answer_exit_1_and_missed_serves_it_again(rabbit_home):
    items = planned(3, 3, 9)
    exercises = load_all()
    first = next(i for i, q in enumerate(items) if q.type in ("choice", "code"))
    lines = []
    for i, q in enumerate(items):
        ans = right_answer(q, exercises, 9)
        if i == first:
            ans = [str(int(ans[0]) % 4 + 1)]
        lines += ans
    out = quiz(["day3", "--count", "3", "--seed", "9", "--json"], "\n".join(lines) + "\n")
    assert out.returncode == 1
    missed = quiz(["day3", "--missed", "--seed", "9", "--json"], right_lines([items[first]], 9))
    summary = json.loads(missed.stdout)
    assert [i["id"] for i in summary["items"]] == [items[first].id]
    assert missed.returncode == 0
    again = quiz(["day3", "--missed"], "")
    assert again.returncode == 0 and "Day3" in again.stdout  # nothing missed any more


def test_section_filter_and_english():
    out = quiz(["day3", "--section", "2", "--count", "3", "--seed", "1", "--lang", "en", "--json"],
               right_lines(planned(3, 3, 1, section=2), 1))
    summary = json.loads(out.stdout)
    assert {i["section"] for i in summary["items"]} == {2}
    assert "Correct" in out.stderr and "正解" not in out.stderr


def test_describe_item_takes_answer_then_self_grade(rabbit_home):
    order = planned(3, 500, 13)
    idx = next(i for i, q in enumerate(order) if q.type == "describe")
    q = order[idx]
    lines = right_lines(order[:idx], 13).splitlines() + [q.model_answer["en"], "n"]
    out = quiz(["day3", "--count", str(idx + 1), "--seed", "13", "--json", "--lang", "en"], "\n".join(lines) + "\n")
    summary = json.loads(out.stdout)
    assert summary["items"][-1] == {"id": q.id, "correct": False, "answer": q.model_answer["en"], "section": q.section}
    assert "Model answer" in out.stderr and "✔" in out.stderr  # the model answer hits its own key points


def test_bad_day_and_empty_section_are_usage_errors():
    bad = quiz(["day9"], "")
    assert bad.returncode == 2 and "day1" in bad.stderr
    empty = quiz(["day3", "--section", "42"], "")
    assert empty.returncode == 2 and "42" in empty.stderr


def test_ctrl_c_ends_cleanly_and_keeps_answers(rabbit_home, wait_for_attempts):
    items = planned(3, 5, 21)
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "quiz", "quiz", "day3", "--count", "5", "--seed", "21"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=_default_sigint)
    proc.stdin.write(right_lines(items[:1], 21))
    proc.stdin.flush()
    wait_for_attempts(rabbit_home / "rabbit.db", 1, proc=proc)  # the first answer is in the log
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert proc.returncode in (0, 1)
    assert [r[0] for r in attempts(rabbit_home)] == [items[0].id]
    assert "1" in out  # the summary was printed


def test_a_question_changed_since_last_answered_is_flagged(rabbit_home):
    from quiz.store import Attempt, Store

    items = planned(3, 2, 17)
    # missed last time, so --missed serves exactly these two (a session serves unseen items first)
    Store().record(Attempt(items[0].id, "question", False, "1", item_hash="an-older-version"))
    Store().record(Attempt(items[1].id, "question", False, "1", item_hash=items[1].content_hash))
    order = planned(3, None, 17, only={q.id for q in items})
    out = quiz(["day3", "--missed", "--seed", "17", "--lang", "en"], right_lines(order, 17))
    assert out.stdout.count("changed since you last answered it") == 1
    cards = out.stdout.split("2/2")
    assert "changed since you last answered it" in cards[0 if order[0].id == items[0].id else 1]


def test_a_plain_quiz_skips_typer_and_says_what_the_full_command_says(rabbit_home, monkeypatch, tmp_path):
    """The first card should not wait for typer's import: `rabbit quiz DAY [options]` is parsed by
    quiz_core.fast; the session, the cards and the exit code are those of the typer command."""
    from typer.testing import CliRunner

    from quiz.cli import app

    args = ["day2", "--count", "3", "--seed", "5", "--lang", "en", "--json"]
    fast = subprocess.run([sys.executable, "-X", "importtime", "-m", "quiz", "quiz", *args], input="?\n" * 3,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "RABBIT_HOME": str(tmp_path / "a")})
    assert fast.returncode == 1, fast.stderr
    assert "| typer" not in fast.stderr and "typer." not in fast.stderr
    monkeypatch.setenv("RABBIT_HOME", str(tmp_path / "b"))  # the same empty record
    full = CliRunner().invoke(app, ["quiz", *args], input="?\n" * 3)
    assert full.exit_code == 1
    cards = [ln for ln in fast.stderr.splitlines() if not ln.startswith("import time:")]
    assert [ln for ln in cards if ln.strip()] == [ln for ln in full.stderr.splitlines() if ln.strip()]
    assert json.loads(fast.stdout)["asked"] == 3 == json.loads(full.stdout)["asked"]
    # what the fast parser is unsure of goes to typer, with typer's messages and exit codes
    bad = quiz(["day2", "--colour", "red"], "")
    assert bad.returncode == 2 and "--colour" in bad.stderr and "Traceback" not in bad.stderr
    bad = quiz(["day2", "--section", "two"], "")
    assert bad.returncode == 2 and "two" in bad.stderr and "Traceback" not in bad.stderr
    helped = quiz(["--help"], "")
    assert helped.returncode == 0 and "--topic" in helped.stdout
    assert quiz(["day9"], "").returncode == 2  # the core's own usage error, on the fast path too
