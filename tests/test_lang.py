"""An unknown language is a usage error naming the ones there are, for every command."""

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()

COMMANDS = [
    ["stats"], ["history"], ["submit", "lstm", "--answer", "x"], ["review"], ["exercises"], ["show", "lstm"], ["hint", "lstm"], ["reset", "lstm"],
    ["quiz", "day3"], ["bank", "list"], ["export"], ["import", "nothing.json"],
    ["config", "exam-date"], ["demo"], ["doctor"], ["grade", ".", "--exercise", "lstm"],
]


def _names_both(text):
    return "ja" in text and "en" in text and "fr" in text


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0] + ("-" + a[1] if len(a) > 1 else ""))
def test_lang_flag_rejects_an_unknown_language(args):
    result = runner.invoke(app, [*args, "--lang", "fr"])
    assert result.exit_code == 2, (args, result.output)
    assert _names_both(result.stderr), result.stderr


def test_rabbit_lang_rejects_an_unknown_language(monkeypatch):
    monkeypatch.setenv("RABBIT_LANG", "fr")
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2 and _names_both(result.stderr) and "RABBIT_LANG" in result.stderr


def test_the_fast_submit_path_rejects_it_too(rabbit_home):
    env = dict(os.environ, RABBIT_HOME=str(rabbit_home))
    out = subprocess.run([sys.executable, "-m", "quiz", "submit", "lstm", "--answer", "x", "--lang", "fr"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2 and _names_both(out.stderr) and "Traceback" not in out.stderr
    from quiz.store import Store

    assert Store().attempts() == []  # nothing graded, nothing recorded


def test_known_languages_in_any_case_still_work(monkeypatch):
    assert runner.invoke(app, ["stats", "--lang", "EN"]).exit_code == 0
    monkeypatch.setenv("RABBIT_LANG", " en ")
    assert "Nothing recorded yet" in runner.invoke(app, ["stats"]).stdout
    monkeypatch.setenv("RABBIT_LANG", "")  # empty: the default
    assert "まだ記録がありません" in runner.invoke(app, ["stats"]).stdout
