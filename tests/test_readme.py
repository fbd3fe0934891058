"""The README's commands work as written on a fresh machine."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_dash_m_quiz_is_run_with_the_venvs_python():
    # a bare `python -m quiz` runs the system Python, which has no rabbit installed
    uses = re.findall(r"(\S*)python3? -m quiz\b", README)
    assert uses, "the README mentions `python -m quiz`"
    assert all(prefix.endswith(".venv/bin/") for prefix in uses), uses


def test_ci_runs_the_readmes_test_command_exactly():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    test_command = next(b for b in blocks if "pytest" in b)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci
