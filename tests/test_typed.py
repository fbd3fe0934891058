"""quiz.typed.nfkc: the one NFKC fold of what a learner types, shared by the judges and the commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from quiz import answers, exprs, typed

QUIZ = Path(typed.__file__).resolve().parent
# the grading modules (moving to quiz/grading/) keep their own for now: grading.normalise_answer is
# this same fold; ime.describe folds one character to name it and must not strip it
NOT_YET = {"ime.py"}  # ime names one character at a time: its own NFKC call is the point


def test_nfkc_folds_what_an_ime_types():
    assert typed.nfkc("　２＊（ｘ＋ｙ）\n") == "2*(x+y)"
    assert typed.nfkc("ｶﾅ") == "カナ"
    assert typed.nfkc(None) == ""


def test_short_answers_read_the_wave_dash_as_a_tilde_and_formulas_name_it():
    assert answers.nfkc(" 〜１ ") == "~1"
    try:
        exprs.parse("x〜y", ["x", "y"])
    except exprs.ExprError as e:
        assert "〜" in str(e)
    else:
        raise AssertionError("a wave dash in a formula was accepted")


def test_one_nfkc_helper():
    for path in QUIZ.rglob("*.py"):
        if path.name in NOT_YET or path == Path(typed.__file__).resolve():
            continue
        assert not re.search(r"""normalize\(\s*["']NFKC""", path.read_text(encoding="utf-8")), path


def test_commands_read_full_width_arguments(rabbit_home):
    def rabbit(*args):
        return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, env={**os.environ, "RABBIT_LANG": "en"})

    run = rabbit("config", "exam-date", "２０９９－０１－０２")
    assert run.returncode == 0 and "2099-01-02" in run.stdout, run.stderr
    run = rabbit("quiz", "day3", "--count", "１", "--json")
    assert json.loads(run.stdout)["planned"] == 1, run.stderr
