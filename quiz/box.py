"""Run untrusted code in a child process with resource limits and a wall-clock deadline.

The child is a fresh `python -I` (isolated mode: no user site, no PYTHON* variables, no
script directory on sys.path) in a temporary working directory with a clean environment and
one BLAS thread, or — when the warm worker is up — a child forked from that worker, which has
numpy imported already and sets up the same box before running anything. Input goes in on
stdin, results come back on a pipe of their own, both size-capped; the learner's own output is
kept (capped) for feedback. When the deadline passes, the whole process group is killed.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

from quiz import home
from quiz.worker import BoxRun, Limits, _collect, _kill_group, _limiter, clean_env, recv_frame, send_frame

__all__ = ["BoxRun", "Limits", "run"]

_HERE = Path(__file__).parent
HARNESS_PATH = _HERE / "harness.py"
WORKER_PATH = _HERE / "worker.py"
HARNESS = HARNESS_PATH.read_text(encoding="utf-8")
WORKER_ENV = "RABBIT_WORKER"  # "off" disables the warm worker


def run(payload, limits: Limits = Limits()) -> BoxRun:
    """Run the harness on `payload` (bytes, or a callable returning them) and collect the result.

    Uses the warm worker when one is listening; otherwise starts a cold child (and, unless
    disabled, a worker in the background for next time).
    """
    if _worker_enabled():
        path = socket_path()
        if path is not None:
            data = payload() if callable(payload) else payload
            warm = _run_warm(path, data, limits)
            if warm is not None:
                return warm
            _start_worker(path)
            return _run_cold(data, limits)
    return _run_cold(payload, limits)


def _run_cold(payload, limits: Limits) -> BoxRun:
    import subprocess
    import tempfile

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rabbit-box-") as workdir:
        result_r, result_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-c", HARNESS, str(result_w)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(result_w,),
                cwd=workdir,
                env=clean_env(workdir),
                start_new_session=True,  # its own process group, killed as a whole
                preexec_fn=_limiter(limits) if os.name == "posix" else None,
                close_fds=True,
            )
        finally:
            os.close(result_w)
        try:
            data = payload() if callable(payload) else payload
        except BaseException:
            _kill_group(proc)
            proc.wait()
            os.close(result_r)
            raise
        return _collect(proc, result_r, data, limits, start)


# -- the warm worker, client side -------------------------------------------------------------
def _worker_enabled() -> bool:
    return os.name == "posix" and hasattr(socket, "AF_UNIX") and os.environ.get(WORKER_ENV, "on").lower() not in (
        "0", "off", "no", "false")


def _version() -> str:
    import hashlib

    h = hashlib.sha256(HARNESS.encode() + WORKER_PATH.read_bytes() + sys.executable.encode())
    return h.hexdigest()[:12]


def socket_path() -> str | None:
    """Where the worker listens: under $RABBIT_HOME/run (private), None if the path is too long."""
    run_dir = home.rabbit_home() / "run"
    path = str(run_dir / f"grader-{_version()}.sock")
    if len(path.encode()) > 100:  # AF_UNIX paths are limited to about 104-108 bytes
        return None
    return path


def _run_warm(path: str, payload: bytes, limits: Limits) -> BoxRun | None:
    if not os.path.exists(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(2)
        conn.connect(path)
        conn.settimeout(limits.wall_seconds + 5)
        send_frame(conn, {"limits": limits.__dict__}, payload)
        meta, body = recv_frame(conn, limits.result_bytes + 1024)
        meta["result"] = body if meta.get("result") else None
        return BoxRun(**meta)
    except (OSError, ValueError, TypeError, KeyError, ConnectionError):
        return None  # the worker is gone or broken: the caller runs cold
    finally:
        conn.close()


def _start_worker(path: str) -> None:
    import subprocess
    import tempfile

    run_dir = Path(path).parent
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(run_dir, 0o700)
    except OSError:
        return
    with tempfile.TemporaryDirectory(prefix="rabbit-worker-") as scratch:
        env = clean_env(scratch)
    env["HOME"] = env["TMPDIR"] = tempfile.gettempdir()
    try:
        subprocess.Popen(
            [sys.executable, "-I", "-c", WORKER_PATH.read_text(encoding="utf-8"), "serve", path, str(HARNESS_PATH)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd=str(run_dir), env=env, start_new_session=True, close_fds=True,
        )
    except OSError:
        pass


def stop_worker() -> bool:
    """Ask a running worker to exit (used by tests and `rabbit doctor`); True if one was found."""
    path = socket_path()
    if path is None or not os.path.exists(path):
        return False
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(2)
        conn.connect(path)
        send_frame(conn, {"stop": True}, b"")
        conn.close()
    except OSError:
        pass
    try:
        os.unlink(path)
    except OSError:
        pass
    return True
