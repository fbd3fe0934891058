"""Feedback that neither misleads nor spoils: an error-only match claims nothing about the rest
of the answer, and a usage message never shows an exercise's answer."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from quiz import grading
from quiz.cli import app
from quiz.exercises import load_all
from quiz.i18n import text
from quiz.problems import BankError

runner = CliRunner()
EXERCISES = load_all()


def rabbit(*args):
    return runner.invoke(app, list(args))


def _squash(s: str) -> str:
    return "".join(s.split())


def test_an_error_only_match_does_not_say_the_gates_are_right():
    result = rabbit("submit", "lstm", "--answer", "forget_gate * c", "--json", "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    said = "\n".join(data["feedback"])
    assert "are right" not in said and "is right" not in said, said
    assert "prev_c" in said and "UnboundLocalError" in said  # what the error means is still said
    assert data["misconception_by"] == "error"
    ja = json.loads(rabbit("submit", "lstm", "--answer", "forget_gate * c", "--json").stdout)
    assert "正しい" not in "\n".join(ja["feedback"])


def test_the_exact_misprint_still_gets_its_own_feedback():
    result = rabbit("submit", "lstm", "--answer", "input_gate*a + forget_gate*c", "--json", "--lang", "en")
    data = json.loads(result.stdout)
    assert data["misconception_by"] == "answer"
    assert any("The gates are right" in line for line in data["feedback"])


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_error_only_feedback_exists_and_gives_nothing_away(name):
    ex = EXERCISES[name]
    for b in ex.blanks:
        for m in b.misconceptions:
            if not m.error:
                continue
            for lang in ("ja", "en"):
                said = text(m.error_feedback, lang)
                assert said.strip(), f"{name}: misconception for error {m.error!r} has no {lang} error_feedback"
                assert _squash(b.right_option) not in _squash(said), f"{name}: error_feedback gives the answer away"


def test_error_only_match_renders_the_error_feedback():
    from quiz.commands.exercise_core import feedback_lines

    ex = EXERCISES["gradient_clipping"]
    answer = "gradient * 2"  # the misprinted name, but not the misprint's expression
    verdict = grading.grade(ex, grading.fill(ex, answer), answer=answer)
    assert verdict.misconception is not None and verdict.misconception_by == "error"
    said = "\n".join(feedback_lines(verdict, ex, "en"))
    assert text(verdict.misconception.error_feedback, "en").strip() in said
    assert text(verdict.misconception.feedback, "en").strip() not in said


def test_a_misconception_with_an_error_but_no_error_feedback_is_a_bank_problem(tmp_path):
    src = EXERCISES["lstm"].path
    raw = src.read_text(encoding="utf-8")
    start = raw.index("    error_feedback:")
    end = raw.index("  - answers:", start)
    (tmp_path / "lstm.yaml").write_text(raw[:start] + raw[end:], encoding="utf-8")
    with pytest.raises(BankError) as e:
        load_all(tmp_path)
    assert "error_feedback" in str(e.value)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", ["gru", "lstm", "attention"])
def test_a_syntax_error_in_answer_suggests_no_exercise_answer(name, lang):
    result = rabbit("submit", name, "--answer", "x *", "--lang", lang)
    assert result.exit_code == 2
    assert "--answer" in result.stderr
    for other in EXERCISES.values():
        for option in (o for b in other.blanks for o in b.options if len(_squash(o)) >= 6):  # not `h` or `x`
            assert _squash(option) not in _squash(result.stderr), (name, option)
