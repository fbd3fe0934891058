"""rabbit history brings a recorded attempt back: a generated item with the same numbers and
options its attempt saw (its recorded variant), an ordinary question as its options were shown,
an exercise submission with its outcome; an attempt that does not exist is a usage error."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from quiz import bank, kinds
from quiz.store import Attempt, Store

GEN = kinds.get("generated")


def cli(*args):
    return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True,
                          env=dict(os.environ), timeout=120, stdin=subprocess.DEVNULL)


def shipped(item_id: str):
    return next(q for q in bank.load() if q.id == item_id)


def test_recent_attempts_keep_the_detail_with_the_variant():
    Store().record(Attempt(item_id="gen.conv-output-size", kind="question", correct=True, answer="7",
                           detail={"variant": 4242}))
    [row] = Store().recent_attempts(5)
    assert row["detail"]["variant"] == 4242
    assert isinstance(row["id"], int)


def test_history_json_lists_each_attempt_with_its_id_and_detail():
    Store().record(Attempt(item_id="gen.conv-output-size", kind="question", correct=True, answer="7",
                           detail={"variant": 99}))
    [row] = json.loads(cli("history", "--json").stdout)
    assert row["id"] == 1 and row["detail"] == {"variant": 99}


def test_show_replays_a_generated_variant_with_its_numbers_options_answer_and_explanation():
    q = shipped("gen.pool-output-size")  # a choice item: four options from the drawn numbers
    served = GEN.instance(q, 31337)
    wrong = served.spec.option_mistakes.index("divided_by_window")
    chosen = served.spec.options[wrong]["en"]
    Store().record(Attempt(item_id=q.id, kind="question", correct=False, answer=chosen,
                           detail={"variant": 31337, "mistake": "divided_by_window"}))
    Store().record(Attempt(item_id="gen.conv-output-size", kind="question", correct=True, answer="1",
                           detail={"variant": 5}))  # a later attempt: --show picks by id, not by position
    out = cli("history", "--show", "1", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert served.prompt["en"] in out.stdout
    assert served.explanation["en"] in out.stdout
    for i, option in enumerate(served.spec.options, 1):
        assert f"{i}. {option['en']}" in out.stdout
    assert f"Your answer: {wrong + 1}. {chosen}" in out.stdout
    assert f"Answer: {kinds.key_text(served, 'en')}" in out.stdout
    assert "A common mistake:" in out.stdout and "divides H by the window" in out.stdout

    data = json.loads(cli("history", "--show", "1", "--json", "--lang", "en").stdout)
    assert data["variant"] == 31337 and data["prompt"] == served.prompt["en"]
    assert data["options"] == [o["en"] for o in served.spec.options]
    assert data["key"] == kinds.key_text(served, "en") and data["correct"] is False
    assert data["your_answer"] == f"{wrong + 1}. {chosen}"


def test_show_an_ordinary_question_numbers_the_options_as_they_were_shown():
    q = next(q for q in bank.load() if q.type == "choice" and len(q.spec.options) == 4)
    order = [3, 1, 4, 2]  # shown order: written option 3 first
    picked = 4  # the learner picked written option 4, shown as number 3
    Store().record(Attempt(item_id=q.id, kind="question", correct=picked == q.spec.answer, answer=str(picked),
                           detail={"order": order}))
    out = cli("history", "--show", "1", "--lang", "en")
    assert out.returncode == 0, out.stderr
    flat = " ".join(out.stdout.split())
    assert " ".join(q.prompt["en"].split())[:60] in flat
    assert f"Your answer: 3. {' '.join(q.spec.options[picked - 1]['en'].split())}" in flat
    key_shown = order.index(q.spec.answer) + 1
    assert f"Answer: {key_shown}." in flat
    data = json.loads(cli("history", "--show", "1", "--json", "--lang", "en").stdout)
    assert data["options"] == [q.spec.options[i - 1]["en"] for i in order]
    assert data["key"].startswith(f"{key_shown}.") and data["explanation"]


def test_show_a_submission_says_its_outcome():
    Store().record(Attempt(item_id="ex.lstm", kind="exercise", correct=False, answer="forget_gate * c",
                           detail={"passed_cases": 0, "cases": 8, "reason": "", "failed": ["B=3 D=5 H=6"],
                                   "fresh_cases": 3}))
    out = cli("history", "--show", "1", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert "Outcome: failed" in out.stdout and "0/8" in out.stdout and "B=3 D=5 H=6" in out.stdout
    assert "forget_gate * c" in out.stdout
    assert json.loads(cli("history", "--show", "1", "--json").stdout)["outcome"] == "failed"


def test_show_an_attempt_that_does_not_exist_is_a_usage_error(rabbit_home):
    for args in (("history", "--show", "1"), ("history", "--show", "0"), ("history", "--show", "7", "--json")):
        out = cli(*args, "--lang", "en")
        assert out.returncode == 2, out.stdout
        assert "no attempt #" in out.stderr and "Traceback" not in out.stderr
        assert out.stdout == ""
    assert not (rabbit_home / "rabbit.db").exists()  # a look creates no record
    Store().record(Attempt(item_id="ex.lstm", kind="exercise", correct=True, answer="x"))
    out = cli("history", "--show", "2", "--lang", "en")
    assert out.returncode == 2 and "#2" in out.stderr
