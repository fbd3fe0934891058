"""Run untrusted code in a box, and the lifecycle of the workers that fork the boxes.

Every box is forked by the worker program (worker.py), which has numpy imported already: the
learner's warm worker on a socket under $RABBIT_HOME/run (started in the background after a
cold run, stopped by `stop_worker` or when idle), a private one for `rabbit grade`
(`private_worker`), or — the cold path (cold.py) — a one-shot worker talking over its stdin and
stdout. Inside, the box has a clean environment, one BLAS thread and a temporary working
directory, under namespaces where Linux allows unprivileged ones (namespaces.py). Input goes in
on stdin, results come back on a pipe of their own, both size-capped; the learner's own output
is kept (capped) for feedback. When the deadline passes, the box is killed with everything it
started.

The rabbit process reads nothing but those frames, through pipes and its own socket, with a
size cap and a deadline; it makes itself non-dumpable before starting any child.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict
from functools import cache
from pathlib import Path

from quiz import home
from quiz.grading import launch, libc
from quiz.grading.frames import parse_head, recv_exact, send_frame
from quiz.grading.limits import BoxRun, Limits
from quiz.grading.reply import BoxError, Unisolated, box_run, read_header

__all__ = ["BoxError", "BoxRun", "Limits", "Unisolated", "run"]

WORKER_ENV = "RABBIT_WORKER"  # "off" disables the warm worker


def run(payload, limits: Limits = Limits(), worker: str | None = None, meanwhile=None) -> BoxRun:
    """Run the harness on `payload` (bytes, or a callable returning them) and collect the result.

    `worker`: the socket of a private worker (rabbit grade). Otherwise the learner's warm worker
    is used when one is listening; else a one-shot worker runs it cold (and, unless disabled, a
    warm worker is started in the background for next time). `meanwhile`: called once while a
    warm worker runs the box (the caller's imports for afterwards overlap the box's work).
    """
    _non_dumpable()
    if os.name != "posix":
        return _cold().run_direct(payload, limits)
    if worker is not None:
        data = payload() if callable(payload) else payload
        warm = _run_warm(worker, data, limits, meanwhile)
        return _noted(warm if warm is not None else _cold().run_cold(data, limits))
    if _worker_enabled():
        path = socket_path()
        if path is not None:
            data = payload() if callable(payload) else payload
            warm = _run_warm(path, data, limits, meanwhile)
            if warm is not None:
                return _noted(warm)
            _start_worker(path)
            return _noted(_cold().run_cold(data, limits))
    return _noted(_cold().run_cold(payload, limits))


def _cold():
    from quiz.grading import cold  # the cold path's modules, only when it is taken

    return cold


@cache
def _non_dumpable() -> None:
    libc.make_non_dumpable()


# -- the warm worker, client side -------------------------------------------------------------
def _worker_enabled() -> bool:
    return os.name == "posix" and hasattr(socket, "AF_UNIX") and os.environ.get(WORKER_ENV, "on").lower() not in (
        "0", "off", "no", "false")



def socket_path() -> str | None:
    """Where the worker listens: under $RABBIT_HOME/run (private), None if the path is too long."""
    run_dir = home.rabbit_home() / "run"
    path = str(run_dir / f"grader-{launch.version()}.sock")
    if len(path.encode()) > 100:  # AF_UNIX paths are limited to about 104-108 bytes
        return None
    return path


def _address(path: str) -> str:
    """`@name` is an abstract socket (Linux): written with a leading NUL, which argv cannot carry."""
    return "\0" + path[1:] if path.startswith("@") else path


def _request(path: str, header: dict, body: bytes, timeout: float, max_body: int, meanwhile=None):
    if not path.startswith("@") and not os.path.exists(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(2)
        conn.connect(_address(path))
        conn.settimeout(timeout)
        send_frame(conn, header, body)
        if meanwhile is not None:
            meanwhile()
        hlen, blen = parse_head(recv_exact(conn, 8), max_body)
        head = read_header(recv_exact(conn, hlen))
        return head, recv_exact(conn, blen)
    except (OSError, ValueError, TypeError, KeyError, ConnectionError):
        return None  # the worker is gone or broken
    finally:
        conn.close()


def _run_warm(path: str, payload: bytes, limits: Limits, meanwhile=None) -> BoxRun | None:
    reply = _request(path, {"limits": asdict(limits)}, payload, limits.wall_seconds + 5, limits.result_bytes + 1024,
                     meanwhile)
    if reply is None:
        return None  # the caller runs cold
    return box_run(*reply)


def ping(path: str | None = None) -> dict | None:
    """What a running worker says about itself (isolation, acceptors), or None when none answers."""
    path = path or socket_path()
    if path is None:
        return None
    reply = _request(path, {"ping": True}, b"", 5, 0)
    return reply[0] if reply is not None and reply[0].get("pong") else None


def _start_worker(path: str) -> None:
    import subprocess

    _non_dumpable()
    run_dir = Path(path).parent
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(run_dir, 0o700)
    except OSError:
        return
    try:
        proc = subprocess.Popen(
            launch.command("serve"),
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd="/", env=launch.worker_env(), start_new_session=True, close_fds=True,
        )
    except OSError:
        return
    launch.send_spec(proc, launch.worker_spec(), os.path.abspath(path))


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


@contextmanager
def private_worker(jobs: int, unisolated_ok: bool = True):
    """A worker of our own with `jobs` acceptors on a private socket, stopped on leaving.

    Yields the socket path, or None if the worker did not come up (then every box runs cold).
    `unisolated_ok=False`: raise Unisolated, before any box runs, if the worker has no namespaces.
    It ends with this process too (it is started from the calling thread, which must be the main one).
    On Linux the socket is abstract: nothing on disk, nothing left behind if this process is killed.
    """
    import shutil
    import subprocess
    import tempfile

    _non_dumpable()
    if sys.platform.startswith("linux"):
        scratch = None
        path = f"@rabbit-grade-{os.getpid()}-{os.urandom(8).hex()}"
    else:
        scratch = tempfile.mkdtemp(prefix="rabbit-grade-")
        path = os.path.join(scratch, "grader.sock")
    proc = subprocess.Popen(
        launch.command("serve"),
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd="/", env=launch.worker_env(), start_new_session=True, close_fds=True,
    )
    launch.send_spec(proc, launch.worker_spec(acceptors=max(1, jobs), parent=os.getpid()), path)
    try:
        deadline = time.monotonic() + 60
        ready = None
        while ready is None:
            ready = ping(path)
            if ready is None and (proc.poll() is not None or time.monotonic() > deadline):
                break
            if ready is None:
                time.sleep(0.02)
        if ready is not None and not unisolated_ok and ready.get("isolation") != "namespaces":
            raise Unisolated(str(ready.get("isolation", "")).partition(": ")[2] or "?")
        yield path if ready is not None else None
    finally:
        from quiz.grading.collect import kill_group

        kill_group(proc)
        proc.wait()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def memory_budget(limits: Limits) -> int:
    """The most memory one box holds, all its processes together. No cgroup caps a box here, so
    a box is one process (threads, but no children: see quiz/grading/seccomp.py) within its address-space
    limit. (Where cgroup v2 is delegated, a memory.max per box would allow children: not yet.)"""
    return limits.address_space


# -- what the isolation is (rabbit doctor, tests) ------------------------------------------------
@cache
def isolation_report() -> dict:
    """Probe once per process: start a worker in `probe` mode; a box reports what it can see and do."""
    import subprocess

    if os.name != "posix":
        return {"active": False, "detail": "namespaces are Linux only", "facts": None, "error": ""}
    _non_dumpable()
    try:
        out = subprocess.run(launch.command("probe"), input=launch.spec_frame(launch.worker_spec()), capture_output=True,
                             cwd="/", env=launch.worker_env(), timeout=60, start_new_session=True)
        report = json.loads(out.stdout.decode())
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        return {"active": False, "detail": f"the probe failed: {e}", "facts": None, "error": str(e)}
    return report


def _noted(run: BoxRun) -> BoxRun:
    """Say once per home (a one-line note on stderr) that boxes run with resource limits only."""
    if run.isolation.startswith("rlimits"):
        marker = home.rabbit_home() / "cache" / "isolation-fallback-noted"
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        except OSError:
            return run  # noted before (or the home is not writable: stay quiet)
        os.close(fd)
        from quiz.i18n import pick_lang, t

        why = run.isolation.partition(": ")[2] or "?"
        print(t("isolation_fallback", pick_lang(), why=why), file=sys.stderr)
    return run

