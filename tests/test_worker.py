"""The warm worker: a child with numpy imported that forks one box per submission."""

import os
import signal
import time

from quiz import grading
from quiz.grading import box
from quiz.grading import cold as cold_path
from quiz.exercises import load_all


def lstm():
    """The lstm exercise, loaded on first use inside a test (under that test's RABBIT_HOME)."""
    return load_all()["lstm"]


RIGHT = "input_gate * a + forget_gate * prev_c"


def grade(answer):
    return grading.grade(lstm(), grading.fill(lstm(), answer), answer=answer)


def test_worker_serves_submissions_and_survives_hostile_code(warm_worker, monkeypatch):
    cold = []
    original = cold_path.run_cold
    monkeypatch.setattr(cold_path, "run_cold", lambda *a, **k: cold.append(1) or original(*a, **k))
    for hostile in ("__import__('os')._exit(3)", "[0 for _ in iter(int, 1)]", "__import__('sys').exit(0)"):
        assert not grade(hostile).passed
    assert grade(RIGHT).passed
    assert not cold, "every submission went to the warm worker"


def _worker_pid(path):
    import socket
    import struct

    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[0]
    conn.close()
    return pid


def test_a_dead_worker_falls_back_to_a_cold_run_and_restarts(warm_worker):
    pid = _worker_pid(warm_worker)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while _alive(pid):  # it is gone before the next submission looks for it
        assert time.monotonic() < deadline, "the killed worker did not exit"
        time.sleep(0.02)
    assert grade(RIGHT).passed  # graded cold, and a new worker is started
    assert not grade("forget_gate * c").passed
    deadline = time.monotonic() + 20
    while box._run_warm(warm_worker, b"", box.Limits()) is None:
        assert time.monotonic() < deadline, "a new worker was not started"
        time.sleep(0.05)


def test_stale_socket_is_replaced(monkeypatch, tmp_path):
    import tempfile

    home = tempfile.mkdtemp(prefix="rw-", dir="/tmp")
    monkeypatch.setenv("RABBIT_HOME", home)
    monkeypatch.setenv("RABBIT_WORKER", "on")
    path = box.socket_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").close()  # a leftover file where the socket should be
    try:
        assert grade(RIGHT).passed  # cold run, starts a worker that replaces the stale file
        deadline = time.monotonic() + 20
        while box._run_warm(path, b"", box.Limits()) is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        box.stop_worker()
        import shutil

        shutil.rmtree(home, ignore_errors=True)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_worker_exits_when_its_socket_is_removed(warm_worker):
    pid = _worker_pid(warm_worker)
    os.unlink(warm_worker)
    deadline = time.monotonic() + 15
    while _alive(pid):
        assert time.monotonic() < deadline, "the worker outlived its socket"
        time.sleep(0.1)


def test_worker_off_means_no_socket(rabbit_home):
    assert grade(RIGHT).passed
    assert not (rabbit_home / "run").exists()
