"""What a learner types as an answer: an option number means that option, and characters an IME
typed that Python cannot read are named with their line, column and what to type instead."""

import json
import sqlite3
import subprocess

import pytest
from typer.testing import CliRunner

from quiz import grading
from quiz.cli import app
from quiz.commands.exercise_core import feedback_lines
from quiz.exercises import load_all

runner = CliRunner()
EXERCISES = load_all()
LSTM = EXERCISES["lstm"]
RIGHT = LSTM.right_option


def rabbit(*args):
    return runner.invoke(app, list(args))


def _attempts(home):
    db = home / "rabbit.db"
    if not db.exists():
        return []
    return sqlite3.connect(db).execute("SELECT answer, correct, detail FROM attempts ORDER BY id").fetchall()


# --- option numbers -------------------------------------------------------------------------


def test_option_number_on_the_console_script_grades_that_option(rabbit_exe, rabbit_home):
    out = subprocess.run([str(rabbit_exe), "submit", "lstm", "--answer", str(LSTM.answer), "--lang", "en"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"option {LSTM.answer}: `{RIGHT}`" in out.stdout
    assert "Passed" in out.stdout
    ((answer, correct, detail),) = _attempts(rabbit_home)
    assert answer == RIGHT and correct == 1 and json.loads(detail)["option"] == LSTM.answer


def test_full_width_option_number_with_json_on_the_console_script(rabbit_exe, rabbit_home):
    out = subprocess.run([str(rabbit_exe), "submit", "lstm", "--answer", "３", "--json"],
                         capture_output=True, text=True, timeout=120)
    data = json.loads(out.stdout)
    assert out.returncode == 0 and data["passed"] is True
    assert data["option"] == 3 and data["answer"] == LSTM.options[2]


@pytest.mark.parametrize("typed", ["1", "(1)", "（１）", "①", "#1", "option 1"])
def test_option_forms_name_the_option(typed):
    assert grading.option_number(EXERCISES["gru"], typed) == 1


def test_a_wrong_option_number_gets_that_options_feedback_on_the_typer_path(rabbit_home):
    gru = EXERCISES["gru"]
    result = rabbit("submit", "gru", "--answer", "（１）", "--json", "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["option"] == 1 and data["answer"] == gru.options[0]
    assert data["misconception_by"] == "answer"
    assert data["misconception"]["answers"] == [gru.options[0]]
    assert "shape" not in "\n".join(data["feedback"]).lower()
    text_out = rabbit("submit", "gru", "--answer", "2")
    assert f"選択肢 2: `{gru.options[1]}`" in text_out.stdout
    assert [json.loads(d)["option"] for _, _, d in _attempts(rabbit_home)] == [1, 2]


@pytest.mark.parametrize("typed", ["5", "0", "（９）"])
def test_an_option_number_the_exercise_lacks_is_a_usage_error_and_records_nothing(typed, rabbit_home):
    result = rabbit("submit", "lstm", "--answer", typed, "--lang", "en")
    assert result.exit_code == 2
    assert "1–4" in result.stderr and "rabbit show lstm" in result.stderr
    assert _attempts(rabbit_home) == []


def test_an_expression_with_numbers_is_still_an_expression():
    assert grading.option_number(LSTM, "3 * prev_c") is None
    assert grading.option_number(LSTM, "1.5") is None


# --- characters an IME typed ----------------------------------------------------------------

BLANK_LINE = next(i for i, line in enumerate(LSTM.template.read_text(encoding="utf-8").splitlines(), 1)
                  if LSTM.marker in line)


def _learner_file(tmp_path, answer):
    path = tmp_path / "lstm.py"
    path.write_text(LSTM.template.read_text(encoding="utf-8").replace(LSTM.marker, answer), encoding="utf-8")
    return path


def test_a_full_width_space_is_named_with_line_column_and_fix(tmp_path):
    answer = "input_gate * a\u3000+ forget_gate * prev_c"
    path = _learner_file(tmp_path, answer)
    before = path.read_bytes()
    column = path.read_text(encoding="utf-8").splitlines()[BLANK_LINE - 1].index("\u3000") + 1
    result = rabbit("submit", "lstm", "--file", str(path), "--json", "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    said = "\n".join(data["feedback"])
    assert f"line {BLANK_LINE}, column {column}: a full-width space (U+3000) → type a normal space instead" in said
    assert data["stray"] == [{"line": BLANK_LINE, "column": column, "char": "\u3000", "codepoint": "U+3000",
                              "replacement": " ", "name_ja": "全角スペース", "name_en": "a full-width space"}]
    ja = "\n".join(json.loads(rabbit("submit", "lstm", "--file", str(path), "--json").stdout)["feedback"])
    assert f"{BLANK_LINE} 行 {column} 文字目: 全角スペース (U+3000) → 半角スペースにしてください" in ja
    assert path.read_bytes() == before, "the learner's file is never rewritten"


def test_every_ime_character_is_listed_in_order(tmp_path):
    source = _learner_file(tmp_path, "input_gate * a ＋ forget_gate * prev_c、").read_text(encoding="utf-8")
    source = source.replace("    h = output_gate", "    h = output_gate\u3000", 1)
    verdict = grading.grade(LSTM, source)
    assert not verdict.passed and verdict.reason == "load"
    assert [(s.char, s.replacement) for s in verdict.stray] == [("＋", "+"), ("、", ","), ("\u3000", " ")]
    assert verdict.stray[2].line == BLANK_LINE + 1
    said = "\n".join(feedback_lines(verdict, LSTM, "ja"))
    assert "全角の「＋」 (U+FF0B) → 半角の + にしてください" in said
    assert "読点「、」 (U+3001) → 半角の , にしてください" in said


def test_full_width_characters_in_strings_and_comments_are_fine(tmp_path):
    path = _learner_file(tmp_path, RIGHT + "  # 全角スペース\u3000と（括弧）はコメントなら大丈夫")
    path.write_text(path.read_text(encoding="utf-8") + '\nNOTE = "（、。\u3000）"\n', encoding="utf-8")
    assert rabbit("submit", "lstm", "--file", str(path)).exit_code == 0


def test_a_full_width_answer_is_still_normalised_on_the_console_script(rabbit_exe):
    answer = "input_gate\u3000＊\u3000a\u3000＋\u3000forget_gate＊prev_c"
    out = subprocess.run([str(rabbit_exe), "submit", "lstm", "--answer", answer],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_an_ideographic_comma_in_answer_is_named(rabbit_home):
    result = rabbit("submit", "lstm", "--answer", "input_gate * a、 forget_gate", "--lang", "en")
    assert result.exit_code == 2
    assert "character 15: the ideographic comma “、” (U+3001) → type , instead" in result.stderr
    assert _attempts(rabbit_home) == []


def test_a_source_python_cannot_even_parse_is_left_to_the_box():
    from quiz.grading import ime

    assert ime.find("x = " + "-" * 100_000 + "1\n\u3000") == ([], "")  # the parser gives up: no crash here
