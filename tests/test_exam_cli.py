"""rabbit exam end to end, piped: a whole exam, bad arguments, pause and resume (also after
SIGKILL), time running out, the review of misses and rabbit exams."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from typer.testing import CliRunner

from quiz import bank, kinds, syllabus
from quiz.cli import app
from quiz.exam import draw

runner = CliRunner()


def _items(count: int, seed: int):
    return draw.draw(bank.load(), syllabus.load(), count, seed)


def _right(q, seed: int) -> str:
    from quiz.exercises import load_all

    return kinds.right_answer(q, load_all(), seed)[0]  # a code item's key is its exercise's


def _run(args, lines):
    return runner.invoke(app, ["exam", *args, "--lang", "en"], input="".join(f"{x}\n" for x in lines))


def test_a_whole_exam_answered_right_scores_every_area_and_logs_exam_attempts(rabbit_home):
    from quiz.store import Store

    items = _items(8, 11)
    r = _run(["--count", "8", "--minutes", "10", "--seed", "11", "--json"], [_right(q, 11) for q in items] + ["end"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout[r.stdout.index("{\n"):])
    assert out["score"] == 1.0 and out["correct"] == 8 == out["asked"]
    assert [i["id"] for i in out["items"]] == [q.id for q in items] and all(i["correct"] for i in out["items"])
    assert {a["area"] for a in out["areas"]} == {"math", "ml", "dl", "dev"}
    assert all(a["correct"] == a["asked"] for a in out["areas"])
    assert sum(a["asked"] for a in out["areas"]) == 8
    assert {a["published"] for a in out["areas"]} == {61.14, 62.15, 57.71, 68.74}
    logged = Store().attempts()
    assert len(logged) == 8 and {a["session"] for a in logged} == {f"exam:{out['id']}"}


def test_no_verdict_before_the_end_and_the_result_lists_the_misses(rabbit_home):
    items = _items(3, 5)
    wrong = "99" if items[0].type in ("numeric", "generated") else "1" if _right(items[0], 5) != "1" else "2"
    r = _run(["--count", "3", "--seed", "5"], [wrong, _right(items[1], 5), _right(items[2], 5), "end"])
    assert r.exit_code == 0, r.output
    before, after = r.output.split("Mock exam #1: ")
    assert "Correct" not in before and "Wrong" not in before and "Explanation" not in before
    assert "2/3 correct" in after and "Misses, with explanations (1)" in after and items[0].id in after
    assert "2025#1 average" in after and "Weakest syllabus items" in after
    again = runner.invoke(app, ["exam", "--review", "1", "--lang", "en"])
    assert again.exit_code == 0 and items[0].id in again.output and items[1].id not in again.output.split("Misses")[1]


def test_bad_arguments_exit_2_with_a_message(rabbit_home):
    for args, said in ((["--count", "0"], "--count"), (["--minutes", "soon"], "--minutes"), (["--resume"], "no paused"),
                       (["--review"], "no finished"), (["--review", "7"], "#7")):
        r = _run(args, [])
        assert r.exit_code == 2, (args, r.output)
        assert said in r.output and "Traceback" not in r.output


def test_end_of_input_pauses_and_resume_continues_with_the_answers_and_the_time_left(rabbit_home):
    items = _items(4, 9)
    r = _run(["--count", "4", "--minutes", "5", "--seed", "9"], [_right(items[0], 9), _right(items[1], 9)])
    assert r.exit_code == 1 and "rabbit exam --resume" in r.output
    listed = json.loads(runner.invoke(app, ["exams", "--json"]).stdout)
    assert [(e["id"], e["state"]) for e in listed] == [(1, "paused")]
    db = sqlite3.connect(rabbit_home / "rabbit.db")
    db.execute("UPDATE exams SET time_left = 123")  # as if two thirds of the time were used
    db.commit()
    db.close()
    r = _run(["--resume", "--json"], [_right(items[2], 9), _right(items[3], 9), "end"])
    assert r.exit_code == 0, r.output
    assert "Q 3/4" in r.output and "Q 1/4" not in r.output  # continues at the first unanswered item
    assert "2:03 left" in r.output  # the time that was left, not counting the time away
    out = json.loads(r.stdout[r.stdout.index("{\n"):])
    assert out["score"] == 1.0 and out["time_used"] >= 300 - 123


def test_at_zero_the_exam_is_scored_as_it_stands(rabbit_home):
    items = _items(3, 4)
    _run(["--count", "3", "--seed", "4"], [_right(items[0], 4)])
    db = sqlite3.connect(rabbit_home / "rabbit.db")
    db.execute("UPDATE exams SET time_left = 0")
    db.commit()
    db.close()
    r = _run(["--resume", "--json"], [_right(items[1], 4)])
    assert r.exit_code == 0 and "Time is up" in r.output
    out = json.loads(r.stdout[r.stdout.index("{\n"):])
    assert [i["answered"] for i in out["items"]] == [True, False, False] and out["correct"] == 1


def test_resume_after_sigkill_keeps_every_answer_given(rabbit_home, rabbit_exe):
    items = _items(4, 21)
    env = {**os.environ, "RABBIT_HOME": str(rabbit_home)}
    proc = subprocess.Popen([str(rabbit_exe), "exam", "--count", "4", "--seed", "21", "--lang", "en"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    proc.stdin.write(f"{_right(items[0], 21)}\n{_right(items[1], 21)}\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while True:
        n = None
        if (rabbit_home / "rabbit.db").exists():
            con = sqlite3.connect(rabbit_home / "rabbit.db", timeout=0.5)
            try:
                n = con.execute("SELECT count(*) FROM exam_answers WHERE line IS NOT NULL").fetchone()[0]
            except sqlite3.OperationalError:
                pass
            finally:
                con.close()
        if n == 2:
            break
        assert time.monotonic() < deadline and proc.poll() is None, "the two answers were not stored"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    r = _run(["--resume", "--json"], [_right(items[2], 21), _right(items[3], 21), "end"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout[r.stdout.index("{\n"):])
    assert out["score"] == 1.0 and out["answered"] == 4
