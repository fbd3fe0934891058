"""Nothing rabbit does writes outside $RABBIT_HOME (or the demo's own temporary home).

Each run gets HOME pointed at an empty directory, no XDG_* variables, and RABBIT_HOME somewhere
else; afterwards HOME (and the working directory) must still be empty.
"""

import os
import subprocess
import sys

RIGHT = "input_gate * a + forget_gate * prev_c"


def _env(home, rabbit_home=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_") and k != "RABBIT_HOME"}
    env["HOME"] = str(home)
    env["RABBIT_LANG"] = "en"
    if rabbit_home is not None:
        env["RABBIT_HOME"] = str(rabbit_home)
    return env


def _everything_under(directory):
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def _run(args, env, cwd, stdin=""):
    out = subprocess.run([sys.executable, "-m", "quiz", *args], input=stdin, capture_output=True, text=True,
                         env=env, cwd=cwd, timeout=180)
    assert "Traceback" not in out.stderr, f"rabbit {' '.join(args)}:\n{out.stderr[-2000:]}"
    return out


def test_commands_write_only_into_rabbit_home(tmp_path):
    home, state, cwd, klass = (tmp_path / n for n in ("home", "state", "cwd", "class"))
    for d in (home, cwd, klass):
        d.mkdir()
    (klass / "alice.py").write_text("def lstm(:\n", encoding="utf-8")
    env = _env(home, state)
    runs = [
        (["exercises"], ""),
        (["show", "lstm"], ""),
        (["hint", "lstm"], ""),
        (["submit", "lstm", "--answer", "forget_gate * c"], ""),
        (["submit", "lstm", "--answer", RIGHT], ""),
        (["reset", "lstm"], ""),
        (["quiz", "day3", "--count", "2", "--seed", "3"], "1\n1\n"),
        (["review", "--count", "1"], ""),
        (["stats", "day3", "--exam-date", "2099-01-01"], ""),
        (["history"], ""),
        (["export", "--format", "json"], ""),
        (["config", "exam-date", "2099-01-01"], ""),
        (["bank", "list", "--day", "3"], ""),
        (["bank", "validate"], ""),
        (["grade", str(klass), "--exercise", "lstm"], ""),
        (["doctor"], ""),
    ]
    codes = {" ".join(args): _run(args, env, cwd, stdin).returncode for args, stdin in runs}
    assert codes["submit lstm --answer " + RIGHT] == 0 and codes["exercises"] == 0, codes
    assert all(code in (0, 1) for code in codes.values()), codes  # none was a usage error
    assert (state / "rabbit.db").exists()  # the runs did write, into RABBIT_HOME
    assert _everything_under(home) == [], "rabbit wrote into HOME"
    assert _everything_under(cwd) == [], "rabbit wrote into the working directory"


def test_demo_without_rabbit_home_leaves_home_empty(tmp_path):
    home, tmp, cwd = (tmp_path / n for n in ("home", "tmp", "cwd"))
    for d in (home, tmp, cwd):
        d.mkdir()
    env = _env(home)
    env["TMPDIR"] = str(tmp)  # where the throw-away home goes
    env.pop("RABBIT_WORKER", None)  # the default: the demo's submissions may start a warm worker
    out = _run(["demo"], env, cwd)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "$ rabbit submit lstm" in out.stdout and "$ rabbit stats day3" in out.stdout
    assert _everything_under(home) == [], "the demo wrote outside its throw-away home"
    assert _everything_under(cwd) == []
    assert _everything_under(tmp) == [], "the demo left its throw-away home behind"
