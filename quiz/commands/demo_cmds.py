"""rabbit demo: a tour that needs no terminal and leaves the learner's own log untouched."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import sys
import tempfile
from typing import Optional

import typer


def cmd_demo(lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en.")) -> None:
    """A scripted tour (no TTY needed): an exercise graded wrong then right, a short quiz, your
    stats, and a short mock exam. / デモ。"""
    from quiz.i18n import pick_lang

    lang = pick_lang(lang)  # an unknown language is refused before the tour starts
    with tempfile.TemporaryDirectory(prefix="rabbit-demo-") as tmp, _home(tmp):
        try:
            _tour(lang)
        finally:
            from quiz.grading import box

            box.stop_worker()  # a warm worker started by the tour leaves with it


@contextlib.contextmanager
def _home(tmp: str):
    """RABBIT_HOME is the throw-away home for this process too: its caches (the bank and the
    exercises loaded to script the quiz) never reach the learner's home or the default one."""
    before = os.environ.get("RABBIT_HOME")
    os.environ["RABBIT_HOME"] = tmp
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("RABBIT_HOME", None)
        else:
            os.environ["RABBIT_HOME"] = before


def _tour(lang: Optional[str]) -> None:
    from quiz import bank, kinds, session
    from quiz.exercises import load_all

    env = dict(os.environ)  # RABBIT_HOME is the demo's home: its answers never reach the real attempt log
    if lang:
        env["RABBIT_LANG"] = lang

    def run(args: list[str], stdin: str | None = None) -> int:
        print(f"\n$ rabbit {shlex.join(args)}", flush=True)
        return subprocess.run([sys.executable, "-m", "quiz", *args], env=env, input=stdin, text=True).returncode

    run(["exercises"])
    run(["submit", "lstm", "--answer", "forget_gate * c"])
    run(["submit", "lstm", "--answer", "input_gate * a + forget_gate * prev_c"])
    exercises = load_all()
    items = session.select(bank.load(), 3, None, 4, 2026)
    # one wrong answer, to show the feedback: on the last four-option item of the run
    wrong = max((i for i, q in enumerate(items) if q.type in ("choice", "code")), default=None)
    lines: list[str] = []
    for i, q in enumerate(items):
        answer = kinds.right_answer(q, exercises, 2026)
        if i == wrong:
            answer = [str(int(answer[0]) % 4 + 1)]
        lines += answer
    run(["quiz", "day3", "--count", "4", "--seed", "2026"], stdin="\n".join(lines) + "\n")
    run(["exercises"])
    run(["stats", "day3", "--exam-date", "2027-02-20"])
    # a short mock exam: drawn as rabbit exam will draw it (the same seed, the same record), answered
    # right but for two, handed in; then the list of mock exams
    from datetime import datetime, timedelta, timezone

    from quiz import syllabus
    from quiz.exam import draw
    from quiz.store import Store

    recent = Store().answered_since((datetime.now(timezone.utc) - timedelta(days=draw.RECENT_DAYS)).isoformat())
    drawn = draw.draw(bank.load(), syllabus.load(), 8, 2026, recent)
    lines = [kinds.right_answer(q, exercises, 2026)[0] for q in drawn]
    for k in (1, 5):  # two misses, for the review at the end
        if k < len(lines):
            lines[k] = "n"  # next: left unanswered
    run(["exam", "--count", "8", "--minutes", "10", "--seed", "2026"], stdin="\n".join(lines + ["end", "y"]) + "\n")
    run(["exams"])


def register(app: typer.Typer) -> None:
    app.command("demo")(cmd_demo)
