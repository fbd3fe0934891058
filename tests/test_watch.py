"""rabbit watch as a learner runs it: what it is watching, q + Enter to stop, no spinning."""

import os
import pty
import signal
import subprocess
import sys
import threading
import time

import pytest

from quiz.commands.quit_key import OTHER, QUIT, QuitKey
from quiz.exercises import load_all
from quiz.i18n import text

DEADLINE = 60  # seconds; generous for a loaded machine, never waited out when things work

def _default_sigint():  # Ctrl-C reaches the child as from a terminal, even if the suite runs as a
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # background job (bash ignores SIGINT there)



class Watch:
    """`rabbit watch ...` in a child process; its output is collected as it comes."""

    def __init__(self, rabbit_home, *args, stdin=subprocess.PIPE):
        env = dict(os.environ, RABBIT_LANG="en", RABBIT_HOME=str(rabbit_home))
        self.proc = subprocess.Popen([sys.executable, "-m", "quiz", "watch", *args, "--interval", "0.1"],
                                     stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                     preexec_fn=_default_sigint)
        self.chunks: list[bytes] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.chunks.append(line)

    @property
    def out(self) -> str:
        return b"".join(self.chunks).decode("utf-8", "replace")

    def wait_for(self, needle: str, count: int = 1) -> None:
        deadline = time.monotonic() + DEADLINE
        while self.out.count(needle) < count:
            assert self.proc.poll() is None, f"watch ended early:\n{self.out}\n{self.proc.stderr.read().decode()}"
            assert time.monotonic() < deadline, f"no {needle!r} in:\n{self.out}"
            time.sleep(0.05)

    def finish(self) -> tuple[int, str]:
        try:
            code = self.proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"watch did not stop:\n{self.out}")
        self.reader.join(DEADLINE)
        return code, self.proc.stderr.read().decode("utf-8", "replace")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def watch(rabbit_home):
    started = []

    def start(*args, **kw):
        w = Watch(rabbit_home, *args, **kw)
        started.append(w)
        return w

    yield start
    for w in started:
        w.kill()


def _save(path, source):
    path.write_text(source, encoding="utf-8")
    later = time.time() + 5  # a new mtime even on a coarse-clock filesystem
    os.utime(path, (later, later))


def _fill(rabbit_home, name, expression):
    ex = load_all()[name]
    copy = rabbit_home / "exercises" / ex.template.name
    _save(copy, copy.read_text(encoding="utf-8").replace(ex.marker, expression))


def _fill_right(rabbit_home, ex):
    copy = rabbit_home / "exercises" / ex.template.name
    source = copy.read_text(encoding="utf-8")
    for b in ex.blanks:
        source = source.replace(f"___{b.label}___", f"({b.right_option})")
    _save(copy, source)


def test_watch_without_a_name_says_what_it_watches_and_q_quits(watch, rabbit_home):
    first = next(iter(load_all().values()))  # the first not passed yet, in course order
    w = watch()
    w.wait_for(f"blank ({first.blanks[0].label}) is not filled in yet")
    out = w.out
    assert text(first.title, "en") in out
    assert text(first.statement, "en").strip().split("\n")[0] in out
    assert f"Fill in blank ({', '.join(first.labels)})" in out
    assert str(rabbit_home / "exercises" / first.template.name) in out
    assert "q + Enter" in out
    w.proc.stdin.write(b"q\n")
    w.proc.stdin.flush()
    code, err = w.finish()
    assert code == 0, err
    assert "Stopped watching." in w.out and "Traceback" not in err


def test_watch_shows_the_next_exercise_when_it_moves_on(watch, rabbit_home):
    exercises = load_all()
    first, nxt = list(exercises.values())[:2]
    w = watch()
    w.wait_for(f"blank ({first.blanks[0].label}) is not filled in yet")
    _fill_right(rabbit_home, first)
    w.wait_for(f"Passed! {first.name}")
    w.wait_for(text(nxt.title, "en"))
    w.wait_for(f"Fill in blank ({', '.join(nxt.labels)})")
    assert str(rabbit_home / "exercises" / nxt.template.name) in w.out
    w.proc.stdin.write("ｑ\n".encode())  # full-width, as typed with a Japanese input method on
    w.proc.stdin.flush()
    code, err = w.finish()
    assert code == 0, err


def test_other_input_says_what_is_accepted_and_keeps_watching(watch, rabbit_home):
    w = watch("lstm")
    w.wait_for("blank (け) is not filled in yet")
    w.proc.stdin.write(b"stop please\n")
    w.proc.stdin.flush()
    w.wait_for("Type q and Enter to stop")
    assert w.proc.poll() is None
    w.proc.stdin.write(b"q\n")
    w.proc.stdin.flush()
    assert w.finish()[0] == 0


def test_end_of_piped_input_does_not_stop_watching_and_ctrl_c_does(watch, rabbit_home):
    w = watch("lstm", stdin=subprocess.DEVNULL)  # at end of input from the start
    w.wait_for("blank (け) is not filled in yet")
    _fill(rabbit_home, "lstm", "forget_gate * c")
    w.wait_for("Failed: lstm")
    assert w.proc.poll() is None
    w.proc.send_signal(signal.SIGINT)
    code, err = w.finish()
    assert code == 0 and "Traceback" not in err


def test_a_closed_stdin_pipe_mid_watch_does_not_stop_it(watch, rabbit_home):
    w = watch("lstm")
    w.wait_for("blank (け) is not filled in yet")
    w.proc.stdin.close()  # the end of input arrives while watching
    _fill(rabbit_home, "lstm", "input_gate * a + forget_gate * prev_c")
    w.wait_for("Passed! lstm")
    assert w.proc.poll() is None
    w.proc.send_signal(signal.SIGINT)
    assert w.finish()[0] == 0


def test_q_and_enter_on_a_terminal_quits(watch, rabbit_home):
    master, slave = pty.openpty()
    try:
        w = watch("lstm", stdin=slave)
        w.wait_for("blank (け) is not filled in yet")
        os.write(master, b"q\n")
        code, err = w.finish()
        assert code == 0, err
        assert "Stopped watching." in w.out
    finally:
        os.close(master)
        os.close(slave)


def test_the_quit_key_waits_instead_of_spinning_at_end_of_input():
    r, w = os.pipe()
    os.close(w)
    key = QuitKey(r)
    start = time.monotonic()
    assert [key.wait(0.05) for _ in range(4)] == [None] * 4
    assert time.monotonic() - start >= 0.2  # every wait took its time: no busy loop after EOF
    os.close(r)


def test_the_quit_key_needs_a_whole_line():
    r, w = os.pipe()
    key = QuitKey(r)
    assert key.wait(0.01) is None
    os.write(w, b"q")
    assert key.wait(0.5) is None  # no Enter yet
    os.write(w, b"\n")
    assert key.wait(0.5) == QUIT
    os.write(w, b"what\n")
    assert key.wait(0.5) == OTHER
    os.close(w)
    os.close(r)
