"""Shell completion: `rabbit completion SHELL` prints a script; sourced, TAB completes commands,
exercise names and days, by asking rabbit itself (the same installed console script)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def _bash_complete(rabbit_exe, words: list[str]) -> list[str]:
    """What TAB offers in a real bash that sourced `rabbit completion bash`, for the last word."""
    if shutil.which("bash") is None:
        pytest.fail("bash is needed to test bash completion")
    script = (f'eval "$("{rabbit_exe}" completion bash)"\n'
              f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
              f"COMP_CWORD={len(words) - 1}\n"
              f'_rabbit_completion "{rabbit_exe}"\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, "RABBIT_LANG": "en"})
    assert r.returncode == 0, r.stderr
    return [w for w in r.stdout.splitlines() if w]


def test_script_for_each_shell_and_a_clear_error_otherwise(rabbit_exe):
    for shell in ("bash", "zsh", "fish"):
        r = subprocess.run([str(rabbit_exe), "completion", shell], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert "_RABBIT_COMPLETE" in r.stdout
    r = subprocess.run([str(rabbit_exe), "completion", "tcsh"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "bash" in r.stderr and "tcsh" in r.stderr and "Traceback" not in r.stderr


def test_tab_completes_commands(rabbit_exe):
    assert _bash_complete(rabbit_exe, ["rabbit", "sh"]) == ["show"]
    offered = _bash_complete(rabbit_exe, ["rabbit", ""])
    for command in ("quiz", "submit", "show", "stats", "review", "completion"):
        assert command in offered


def test_tab_completes_shells(rabbit_exe):
    assert _bash_complete(rabbit_exe, ["rabbit", "completion", "z"]) == ["zsh"]


def test_tab_completes_exercise_names_for_every_exercise_command(rabbit_exe):
    for command in ("show", "submit", "hint", "reset", "watch"):
        assert _bash_complete(rabbit_exe, ["rabbit", command, "ls"]) == ["lstm"], command
    assert "gradient_clipping" in _bash_complete(rabbit_exe, ["rabbit", "show", ""])


def test_tab_completes_days(rabbit_exe):
    assert _bash_complete(rabbit_exe, ["rabbit", "quiz", "day"]) == ["day1", "day2", "day3", "day4"]
    assert _bash_complete(rabbit_exe, ["rabbit", "stats", "day3"]) == ["day3"]


def test_completing_writes_nothing(rabbit_exe, rabbit_home):
    _bash_complete(rabbit_exe, ["rabbit", "show", "l"])
    assert not rabbit_home.exists()
