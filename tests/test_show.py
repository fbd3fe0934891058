"""rabbit show and the other exercise commands as a learner reads them: names, whole code lines."""

import subprocess

import pytest
from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()


def rabbit(*args):
    return runner.invoke(app, list(args))


# --- a mistyped exercise name (issue 8, item 12) ---

@pytest.mark.parametrize("command", [["show"], ["hint"], ["reset"], ["watch"], ["submit"], ["submit", "--answer", "1"]])
def test_a_mistyped_name_suggests_the_closest_exercise(command):
    args = [command[0], "lstmm", *command[1:]]
    en = rabbit(*args, "--lang", "en")
    assert en.exit_code == 2
    assert "Did you mean lstm?" in en.stderr, en.stderr
    ja = rabbit(*args)
    assert ja.exit_code == 2
    assert "もしかして lstm" in ja.stderr, ja.stderr


def test_several_close_names_are_all_offered():
    result = rabbit("show", "bidirectinal", "--lang", "en")
    assert result.exit_code == 2 and "Did you mean bidirectional?" in result.stderr
    result = rabbit("show", "gr", "--lang", "en")
    assert result.exit_code == 2 and "gru" in result.stderr


def test_a_name_like_nothing_lists_every_exercise():
    result = rabbit("show", "zzzz", "--lang", "en")
    assert result.exit_code == 2
    assert "Did you mean" not in result.stderr
    assert "lstm" in result.stderr and "attention" in result.stderr


def test_the_fast_submit_path_suggests_too(rabbit_exe, rabbit_home):
    env = {"RABBIT_HOME": str(rabbit_home), "PATH": "/usr/bin:/bin", "RABBIT_WORKER": "off"}
    for args, expected in ((["--lang", "en"], "Did you mean lstm?"), ([], "もしかして lstm")):
        out = subprocess.run([str(rabbit_exe), "submit", "lstmm", "--answer", "a", *args],
                             capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 2 and expected in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
