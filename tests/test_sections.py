"""Sections are shown with their names (bank/sections.yaml) in stats and history."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.store import Attempt, Store

runner = CliRunner()


def rabbit(*args):
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})  # a wide terminal: whole names on one line
    assert result.exit_code == 0, result.output
    return result


def flat(text):
    return " ".join(text.split())  # the terminal may fold a long cell


@pytest.mark.parametrize("day, section, lang, label", [
    (3, 2, "en", "Day3 S2 LSTM"),
    (3, 1, "ja", "Day3 S1 再帰型ニューラルネットワーク"),
    (3, 1, "en", "Day3 S1 Recurrent neural networks"),
    (3, 7, "ja", "Day3 S7 Attention Mechanism"),
    (2, 4, "ja", "Day2 S4 畳み込みニューラルネットワークの概念"),
    (9, 1, "en", "Day9 S1"),  # a section of the learner's own bank that the course does not name
])
def test_section_label(day, section, lang, label):
    from quiz.sections import section_label

    assert section_label(day, section, lang) == label


def test_every_section_of_the_bank_and_the_exercises_has_a_name_in_both_languages():
    from quiz import bank
    from quiz.exercises import load_all
    from quiz.sections import section_name

    used = {(q.day, q.section) for q in bank.load()} | {(e.day, e.section) for e in load_all().values()}
    for day, section in sorted(used):
        for lang in ("ja", "en"):
            assert section_name(day, section, lang), (day, section, lang)


def test_the_names_file_is_not_a_question_file():
    from quiz import bank, resources

    files = bank.question_files([resources.bank_dir()])
    assert resources.bank_dir() / "sections.yaml" not in files
    result = runner.invoke(app, ["bank", "validate"])
    assert result.exit_code == 0, result.output


def test_names_are_cached_and_a_warm_run_does_not_import_yaml(rabbit_home):
    code = ("import sys; from quiz.sections import section_label; print(section_label(3, 2, 'en')); "
            "print('YAML' if 'yaml' in sys.modules else 'CLEAN')")
    env = {"RABBIT_HOME": str(rabbit_home), "PATH": "/usr/bin:/bin"}
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert cold.stdout.split() [:3] == ["Day3", "S2", "LSTM"], cold.stderr
    assert warm.stdout.split() == ["Day3", "S2", "LSTM", "CLEAN"], warm.stderr


def _answer_lstm_question():
    from quiz import bank

    q = next(q for q in bank.load() if q.day == 3 and q.section == 2 and q.type == "choice")
    Store().record(Attempt(q.id, "question", True, answer="2", duration_ms=4200, item_hash=q.content_hash))
    return q


def test_stats_show_section_names():
    _answer_lstm_question()
    assert "Day3 S2 LSTM" in flat(rabbit("stats", "day3", "--lang", "en").stdout)
    ja = flat(rabbit("stats", "day3").stdout)
    assert "Day3 S2 LSTM" in ja and "Day3 S1 再帰型ニューラルネットワーク" in ja
    rows = json.loads(rabbit("stats", "day3", "--json").stdout)["sections"]
    s1 = next(r for r in rows if r["section"] == 1)
    assert s1["name"] == {"ja": "再帰型ニューラルネットワーク", "en": "Recurrent neural networks"}


def test_history_names_the_section_and_its_columns():
    q = _answer_lstm_question()
    en = rabbit("history", "--lang", "en").stdout
    assert "LSTM" in en and "Day3 S2" in en
    header = en.splitlines()[1]
    assert "┃ s " not in header and "time (s)" in header
    assert "4.2" in en
    ja = flat(rabbit("history").stdout)
    assert "所要" in ja and "回答" in ja and "LSTM" in ja
    row = json.loads(rabbit("history", "--json").stdout)[0]
    assert row["item_id"] == q.id and (row["day"], row["section"]) == (3, 2)
