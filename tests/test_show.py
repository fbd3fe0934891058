"""rabbit show and the other exercise commands as a learner reads them: names, whole code lines."""

import os
import re
import subprocess

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from quiz.cli import app
from quiz.exercises import load_all
from quiz.i18n import text

runner = CliRunner()


def rabbit(*args):
    return runner.invoke(app, list(args))


# --- a mistyped exercise name ---

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


# --- code and long text are never cut ---

ANSI = re.compile(r"\x1b\[[0-9;]*m")
NARROW = {"COLUMNS": "60"}
TERMINAL = {"COLUMNS": "60", "TTY_COMPATIBLE": "1", "NO_COLOR": "1"}  # rich renders as on a 60-column terminal


def _lines(result):
    return [ANSI.sub("", line) for line in result.stdout.splitlines()]


def _code_lines(lines):
    """The numbered code lines shown, a wrapped line joined back from its ↪ continuations."""
    code = {}
    last = None
    for line in lines:
        m = re.match(r"^[❱ ] +(\d+) (.*)$", line)
        if m:
            last = int(m.group(1))
            code[last] = m.group(2)
        elif last is not None and (c := re.match(r"^ +↪ (.*)$", line)):
            code[last] += " " + c.group(1)
    return code


def _same_words(a, b):
    return a.split() == b.split()


def test_piped_show_prints_every_code_line_whole():
    ex = load_all()["lstm"]
    result = runner.invoke(app, ["show", "lstm", "--lang", "en"], env=NARROW)
    assert result.exit_code == 0
    out = result.stdout.splitlines()
    template = ex.template.read_text(encoding="utf-8").splitlines()
    assert max(map(len, template)) > 80  # the case a learner hit
    shown = _code_lines(out)
    assert [shown[n] for n in range(1, len(template) + 1)] == template
    assert "↪" not in result.stdout
    for i, opt in enumerate(ex.options, 1):
        assert f"  {i}. {opt}" in out
    for paragraph in text(ex.statement, "en").strip().split("\n"):
        assert paragraph in out


def test_show_on_a_narrow_terminal_wraps_code_and_cuts_nothing():
    for name in ("lstm", "bptt", "attention"):
        ex = load_all()[name]
        result = runner.invoke(app, ["show", name, "--lang", "en"], env=TERMINAL)
        assert result.exit_code == 0
        lines = _lines(result)
        path = f"  {os.environ['RABBIT_HOME']}/exercises/{name}.py"  # one piece, for copying: the terminal wraps it
        assert path in lines
        assert max(cell_len(line) for line in lines if line != path) <= 60, [line for line in lines if cell_len(line) > 60]
        template = ex.template.read_text(encoding="utf-8").splitlines()
        shown = _code_lines(lines)
        assert sorted(shown) == list(range(1, len(template) + 1))
        assert sum(1 for line in lines if re.match(r"^ +↪ ", line)) >= sum(1 for line in template if len(line.rstrip()) > 60 - len(f"❱ {len(template)} "))
        for n, line in enumerate(template, 1):
            assert _same_words(shown[n], line), (name, n, shown[n], line)
        words = " ".join(" ".join(lines).split())
        for opt in ex.options:
            assert " ".join(opt.split()) in words


def test_options_that_wrap_keep_their_indentation():
    result = runner.invoke(app, ["show", "lstm", "--lang", "en"], env=dict(TERMINAL, COLUMNS="30"))
    lines = _lines(result)
    start = lines.index("  1. output_gate * a +")
    assert lines[start + 1].startswith("     ") and lines[start + 1].strip() == "forget_gate * prev_c"


def test_hints_are_whole_when_piped_and_wrapped_on_a_terminal():
    first, second = (text(h, "en").strip() for h in load_all()["lstm"].hints[:2])
    assert len(first) > 80 and len(second) > 80
    piped = runner.invoke(app, ["hint", "lstm", "--lang", "en"], env=NARROW)
    assert first in piped.stdout.splitlines()
    tty = runner.invoke(app, ["hint", "lstm", "--lang", "en"], env=TERMINAL)
    lines = _lines(tty)
    assert max(cell_len(line) for line in lines) <= 60
    assert _same_words(" ".join(lines[1:]), second)


def test_a_long_statement_title_is_not_cut_on_a_narrow_terminal():
    ex = load_all()["lstm"]
    lines = _lines(runner.invoke(app, ["show", "lstm", "--lang", "en"], env=TERMINAL))
    title = text(ex.title, "en")
    assert title.split()[-1] in " ".join(lines[:3])


def test_the_exercise_list_never_cuts_a_name_or_a_title():
    exercises = load_all().values()
    piped = runner.invoke(app, ["exercises"], env=NARROW).stdout
    for ex in exercises:
        assert any(ex.name in line and text(ex.title, "ja") in line for line in piped.splitlines()), ex.name
    lines = _lines(runner.invoke(app, ["exercises", "--lang", "en"], env=dict(TERMINAL, COLUMNS="80")))
    assert max(cell_len(line) for line in lines) <= 80 and any(line.startswith("│") for line in lines)  # a table
    names = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
    for ex in exercises:
        assert ex.name in names  # whole, to type it
    titles = " ".join(" ".join(line.split("│")[4].split()) for line in lines if line.startswith("│"))
    for ex in exercises:
        assert " ".join(text(ex.title, "en").split()) in titles or text(ex.title, "en").replace(" ", "") in titles.replace(" ", "")
    # 50 columns: too narrow for a table of long names; a block per exercise, nothing cut
    lines = _lines(runner.invoke(app, ["exercises", "--lang", "en"], env=dict(TERMINAL, COLUMNS="50")))
    assert max(cell_len(line) for line in lines) <= 50
    flat = " ".join(" ".join(line.split()) for line in lines)
    for ex in exercises:
        assert any(line.split()[:1] == [ex.name] for line in lines), ex.name  # whole, at the start of a line
        assert text(ex.title, "en").replace(" ", "") in flat.replace(" ", ""), ex.name


def test_a_learners_crlf_file_with_a_long_unbroken_line_shows_every_character(rabbit_home):
    rabbit("show", "lstm")
    copy = rabbit_home / "exercises" / "lstm.py"
    long_name = "x" * 130
    source = copy.read_text(encoding="utf-8").replace("___け___", long_name)
    copy.write_bytes(source.replace("\n", "\r\n").encode("utf-8"))
    lines = _lines(runner.invoke(app, ["show", "lstm"], env=TERMINAL))
    shown = _code_lines(lines)
    assert max(cell_len(line) for line in lines if "rabbit-home" not in line) <= 60
    assert len(shown) == len(source.splitlines())
    blank = next(n for n, line in shown.items() if "xxx" in line)
    assert shown[blank].replace(" ", "").count("x") == 130
    assert all("\r" not in line for line in shown.values())
