"""`rabbit exam` reaches its first card without importing typer (exam_core.fast), and says and
records what the typer command says and records."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from quiz.cli import app


def _exam(args, stdin, home):
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "quiz", "exam", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "RABBIT_HOME": str(home)})


def test_a_plain_exam_skips_typer_and_scores_as_the_full_command(tmp_path, monkeypatch):
    args = ["--count", "6", "--minutes", "10", "--seed", "4", "--lang", "en", "--json"]
    answers = "1\n2\n3\n4\n1\n2\nend\n"
    fast = _exam(args, answers, tmp_path / "a")
    assert fast.returncode == 0, fast.stderr
    assert "typer." not in fast.stderr and "| typer" not in fast.stderr
    monkeypatch.setenv("RABBIT_HOME", str(tmp_path / "b"))
    full = CliRunner().invoke(app, ["exam", *args], input=answers)
    assert full.exit_code == 0, full.output

    def result(out: str) -> dict:
        res = json.loads(out[out.index("{\n"):])
        return {k: res[k] for k in ("score", "correct", "asked", "items", "areas")}

    assert result(fast.stdout) == result(full.stdout)


def test_what_the_fast_parser_is_unsure_of_goes_to_typer(tmp_path):
    for args, said in ((["--colour"], "--colour"), (["--seed", "x"], "x"), (["--help"], "--resume")):
        r = _exam(args, "", tmp_path)
        assert "Traceback" not in r.stderr
        assert said in r.stderr + r.stdout
        assert r.returncode == (0 if args == ["--help"] else 2)
    r = _exam(["--count", "zero"], "", tmp_path)  # the core's own usage error, on the fast path
    assert r.returncode == 2 and "zero" in r.stderr and "Traceback" not in r.stderr


def test_an_item_that_left_the_bank_is_named_and_the_others_keep_their_numbers(tmp_path, monkeypatch):
    """An exam drawn before the bank changed: the item gone is said at the start, left out of the
    score, and the review shows every other miss under the number it had."""
    from quiz import bank
    from quiz.kinds import right_answer
    from quiz.store import Store

    monkeypatch.setenv("RABBIT_HOME", str(tmp_path / "h"))
    choices = [q for q in bank.load() if q.type == "choice" and q.syllabus][:3]
    ids = [choices[0].id, "d9.s9.gone-since", choices[1].id, choices[2].id]
    store = Store()
    exam = store.exam_create(11, 10, ids)
    store.exam_set_state(exam, "paused", 600)
    first = right_answer(choices[0], {}, 11)[0]
    wrong = "1" if right_answer(choices[1], {}, 11)[0] != "1" else "2"
    r = CliRunner().invoke(app, ["exam", "--resume", "--lang", "en", "--json"], input=f"{first}\n{wrong}\n?\nend\ny\n")
    assert "1 question(s) of this exam have since left the bank" in r.stderr and "d9.s9.gone-since" in r.stderr
    res = json.loads(r.stdout[r.stdout.index("{\n"):])
    assert [i["id"] for i in res["items"]] == [ids[0], ids[2], ids[3]] and res["asked"] == 3
    review = CliRunner().invoke(app, ["exam", "--review", str(exam), "--lang", "en"])
    assert review.exit_code == 0
    assert f"Q 2 · {ids[2]}" in review.stdout and f"Q 3 · {ids[3]}" in review.stdout
    # once the item the learner missed leaves the bank too, the review says so under its number
    monkeypatch.setattr(bank, "load", lambda paths=None, _all=bank.load: [q for q in _all() if q.id != ids[2]])
    review = CliRunner().invoke(app, ["exam", "--review", str(exam), "--lang", "en"])
    assert f"Q 2 · {ids[2]} · this question is no longer in the bank" in review.stdout
    assert f"Q 3 · {ids[3]} · your answer" in review.stdout


def test_code_choice_items_are_asked_with_their_function_and_scored(tmp_path, monkeypatch):
    """The exam's code questions: an exercise's function with its blank and the four candidate lines."""
    from quiz import bank, syllabus
    from quiz.exam import draw
    from quiz.exercises import load_all
    from quiz.kinds import right_answer

    monkeypatch.setenv("RABBIT_HOME", str(tmp_path / "h"))
    questions, outline = bank.load(), syllabus.load()
    seed = next(s for s in range(1, 500) if any(q.type == "code" for q in draw.draw(questions, outline, 12, seed=s)))
    items = draw.draw(questions, outline, 12, seed=seed)
    exercises = load_all()
    lines = [right_answer(q, exercises, seed)[0] for q in items]
    r = CliRunner().invoke(app, ["exam", "--count", "12", "--seed", str(seed), "--lang", "en", "--json"],
                           input="\n".join(lines + ["end"]) + "\n")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout[r.stdout.index("{\n"):])
    assert [i["id"] for i in res["items"]] == [q.id for q in items]
    assert res["correct"] == 12  # the code item scored by its right line, like any other
    code = next(q for q in items if q.type == "code")
    assert f"def {exercises[code.exercise].grading['function']}(" in r.stderr and "【 (" in r.stderr


def test_a_closed_stdin_or_stdout_is_no_crash(tmp_path):
    """`rabbit quiz <&-` is end of input; `rabbit bank list --json >&-` has nowhere to write: no traceback."""
    env = {**os.environ, "RABBIT_HOME": str(tmp_path / "h")}
    for args, code in ((["quiz", "1", "-n", "2", "--seed", "3"], 1), (["exam", "-n", "2", "--seed", "3"], 1)):
        r = subprocess.run([sys.executable, "-m", "quiz", *args], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=120, env=env, preexec_fn=lambda: os.close(0))
        assert r.returncode == code and "Traceback" not in r.stderr, r.stderr
    for args in (["bank", "list", "--json"], ["syllabus", "--json"]):
        r = subprocess.run([sys.executable, "-m", "quiz", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, timeout=120, env=env, preexec_fn=lambda: os.close(1))
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
