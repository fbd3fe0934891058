"""The mock exam in a real terminal (a pseudo-terminal): the card with its clock, Ctrl-C asks and
pauses, --resume continues at the first unanswered item with the answers given, and at zero the
exam is scored as it stands while the learner types nothing (the SIGALRM path, which only a
terminal takes). Every wait is for what the screen shows, with a deadline."""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import sys
import time

import pytest

pty = pytest.importorskip("pty")  # POSIX only; rabbit's sandbox needs Linux anyway

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


class Terminal:
    def __init__(self, args: list[str], env: dict):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: rabbit on the terminal
            os.execve(sys.executable, [sys.executable, "-m", "quiz", *args], env)
        self.seen = ""

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """Read the screen until `text` appears (ANSI codes aside); fail at the deadline."""
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"{text!r} did not appear within {timeout} s; the screen said:\n{self.seen[-2000:]}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # the child is gone and the terminal closed
                    chunk = b""
                if not chunk:
                    pytest.fail(f"the program ended before {text!r}; the screen said:\n{self.seen[-2000:]}")
                self.seen += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return self.seen

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exit_code(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:  # keep the terminal drained so the child never blocks on a full buffer
                while select.select([self.fd], [], [], 0.05)[0]:
                    chunk = os.read(self.fd, 65536)
                    if not chunk:
                        break
                    self.seen += ANSI.sub("", chunk.decode("utf-8", "replace"))
            except OSError:
                pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        pytest.fail("the program did not end")


@pytest.fixture
def env(rabbit_home):
    return {**os.environ, "RABBIT_HOME": str(rabbit_home), "COLUMNS": "100", "LINES": "40", "TERM": "xterm"}


def _answers(rabbit_home) -> int:
    db = sqlite3.connect(rabbit_home / "rabbit.db")
    try:
        return db.execute("SELECT count(*) FROM exam_answers WHERE line IS NOT NULL").fetchone()[0]
    finally:
        db.close()


def test_ctrl_c_pauses_and_resume_continues_in_a_terminal(env, rabbit_home):
    term = Terminal(["exam", "--count", "3", "--minutes", "10", "--seed", "5", "--lang", "en"], env)
    term.wait_for("Mock exam #1 · Q 1/3")
    assert re.search(r"\d+:\d\d left · answered 0/3 · pace 72 s/question", term.wait_for("answer> "))
    term.type("1\r")
    term.wait_for("Q 2/3")
    term.wait_for("answered 1/3")
    term.type("\x03")  # Ctrl-C, as the terminal sends it
    term.wait_for("Stop? p = pause")
    term.type("p\r")
    term.wait_for("Paused (mock exam #1")
    assert term.exit_code() == 1
    assert _answers(rabbit_home) == 1  # the answer given before Ctrl-C is kept

    again = Terminal(["exam", "--resume", "--lang", "en"], env)
    again.wait_for("Q 2/3")  # the first unanswered item
    again.wait_for("answered 1/3")
    again.wait_for("answer> ")
    again.type("2\r")
    again.wait_for("Q 3/3")
    again.wait_for("answer> ")
    again.type("2\r")
    again.wait_for("end hands in")
    again.type("end\r")
    screen = again.wait_for("Review later: rabbit exam --review 1")
    assert "Mock exam #1:" in screen or "result" in screen.lower()
    assert again.exit_code() == 0
    assert _answers(rabbit_home) == 3


def test_at_zero_the_exam_ends_while_the_learner_types_nothing(env, rabbit_home):
    term = Terminal(["exam", "--count", "3", "--minutes", "0.15", "--seed", "6", "--lang", "en"], env)
    # 9 s on the clock: the card waits at its prompt (a start takes well under that), then time is up there
    screen = term.wait_for("Time is up: the exam is scored as it stands", timeout=60)
    assert screen.index("answer> ") < screen.index("Time is up")
    term.wait_for("Review later: rabbit exam --review 1")
    assert term.exit_code() == 0
