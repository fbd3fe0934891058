"""Run untrusted code in a box: a forked child with resource limits, a wall-clock deadline and,
where Linux allows unprivileged user namespaces, namespaces of its own (see quiz/isolation.py).

Every box is forked by the worker program (quiz/worker.py), which has numpy imported already:
the learner's warm worker on a socket under $RABBIT_HOME/run, a private one for `rabbit grade`,
or — the cold path — a one-shot worker talking over its stdin and stdout. Inside, the box has a
clean environment, one BLAS thread and a temporary working directory. Input goes in on stdin,
results come back on a pipe of their own, both size-capped; the learner's own output is kept
(capped) for feedback. When the deadline passes, the box is killed with everything it started.

The rabbit process reads nothing but those frames, through pipes and its own socket, with a
size cap and a deadline; it makes itself non-dumpable before starting any child.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import socket
import struct
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict
from functools import cache
from pathlib import Path

from quiz import home, isolation, npyio, safetext
from quiz.worker import (BoxRun, Limits, _collect, _kill_group, _limiter, _recv_exact, clean_env, frame, parse_head,
                         send_frame)

__all__ = ["BoxError", "BoxRun", "Limits", "run"]

_HERE = Path(__file__).parent
HARNESS_PATH = _HERE / "harness.py"
WORKER_PATH = _HERE / "worker.py"
ISOLATION_PATH = _HERE / "isolation.py"
SECCOMP_PATH = _HERE / "seccomp.py"
REAPER_PATH = _HERE / "reaper.py"
HARNESS = HARNESS_PATH.read_text(encoding="utf-8")
WORKER_ENV = "RABBIT_WORKER"  # "off" disables the warm worker
ISOLATION_ENV = "RABBIT_ISOLATION"  # "off" runs boxes with resource limits only
GRACE_SECONDS = 10.0  # on top of the box's own deadline: the worker's start-up, the reply


class BoxError(OSError):
    """The box could not be run: the machine or the installation, never the learner's code."""


class Unisolated(BoxError):
    """Boxes would run without namespace isolation, and the caller did not accept that."""


def run(payload, limits: Limits = Limits(), worker: str | None = None) -> BoxRun:
    """Run the harness on `payload` (bytes, or a callable returning them) and collect the result.

    `worker`: the socket of a private worker (rabbit grade). Otherwise the learner's warm worker
    is used when one is listening; else a one-shot worker runs it cold (and, unless disabled, a
    warm worker is started in the background for next time).
    """
    _non_dumpable()
    if os.name != "posix":
        return _run_direct(payload, limits)
    if worker is not None:
        data = payload() if callable(payload) else payload
        warm = _run_warm(worker, data, limits)
        return _noted(warm if warm is not None else _run_cold(data, limits))
    if _worker_enabled():
        path = socket_path()
        if path is not None:
            data = payload() if callable(payload) else payload
            warm = _run_warm(path, data, limits)
            if warm is not None:
                return _noted(warm)
            _start_worker(path)
            return _noted(_run_cold(data, limits))
    return _noted(_run_cold(payload, limits))


@cache
def _non_dumpable() -> None:
    isolation.make_non_dumpable()


# -- the worker program, as the rabbit process starts it ----------------------------------------
def isolation_wanted() -> bool:
    return os.environ.get(ISOLATION_ENV, "auto").strip().lower() not in ("0", "off", "no", "false")


def _hidden() -> list[str]:
    """rabbit's own files: not in the box's root at all, and covered if a bound directory holds them."""
    from quiz import resources

    package = _HERE.resolve()
    paths = [package, resources.solutions_dir(), package / "_data", package.parent / "solutions",
             package.parent / ".git", home.rabbit_home()]
    out = []
    for p in paths:
        s = str(Path(p).expanduser().absolute())
        if s not in out:
            out.append(s)
    return out


def _spec(**extra) -> dict:
    spec = {
        "mode": "auto" if isolation_wanted() else "off",
        "home": str(home.rabbit_home().expanduser().absolute()),
        "hide": _hidden(),
        "harness": str(HARNESS_PATH),
        "isolation": str(ISOLATION_PATH),
        "seccomp": str(SECCOMP_PATH),
        "reaper": str(REAPER_PATH),
    }
    spec.update(extra)
    return spec


def _worker_cmd(mode: str) -> list[str]:
    """The worker's command line: no path or setting of rabbit's (its boxes could read it), which
    go on its stdin instead, as the first frame (see _spec_frame)."""
    return [sys.executable, "-I", "-c", _worker_source(), mode]


def _spec_frame(spec: dict, socket_path: str | None = None) -> bytes:
    return frame({"spec": spec, "socket": socket_path}, b"")


def _send_spec(proc, spec: dict, socket_path: str | None = None) -> None:
    try:
        proc.stdin.write(_spec_frame(spec, socket_path))
        proc.stdin.close()
    except OSError:
        pass  # the worker is gone already: the caller sees it answer nothing


@cache
def _worker_source() -> str:
    return WORKER_PATH.read_text(encoding="utf-8")


def _worker_env() -> dict[str, str]:
    import tempfile

    return clean_env(tempfile.gettempdir())


def _run_cold(payload, limits: Limits) -> BoxRun:
    """The cold path: a one-shot worker (numpy imported, namespaces entered) forks one box."""
    import subprocess

    start = time.monotonic()
    proc = subprocess.Popen(
        _worker_cmd("once"),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd="/", env=_worker_env(), start_new_session=True, close_fds=True,
    )
    try:
        data = payload() if callable(payload) else payload  # computed while the worker starts
        request = _spec_frame(_spec()) + frame({"limits": asdict(limits)}, data)
        deadline = start + limits.wall_seconds + GRACE_SECONDS
        reply, errors = _exchange(proc, request, deadline, limits.result_bytes + 1024)
    finally:
        _kill_group(proc)
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
    if reply is None:
        if time.monotonic() >= deadline:  # the worker itself never answered: treat as the box's timeout
            return BoxRun(None, "", None, True, False, False, None, time.monotonic() - start, "", "")
        raise BoxError(f"the grading worker stopped without an answer: {errors.strip()[-2000:] or 'no message'}")
    return _box_run(*reply)


def _exchange(proc, request: bytes, deadline: float, max_body: int):
    """Write `request` to the worker's stdin and read one reply frame from its stdout, by `deadline`.

    Returns ((header, body), "") or (None, what the worker wrote on stderr, capped).
    """
    import selectors

    sel = selectors.DefaultSelector()
    os.set_blocking(proc.stdin.fileno(), False)
    pending = memoryview(request)
    sel.register(proc.stdin, selectors.EVENT_WRITE, "in")
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    reply, errors = bytearray(), bytearray()
    need = None
    try:
        while sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            for key, _ in sel.select(timeout=min(remaining, 0.5)):
                if key.data == "in":
                    try:
                        pending = pending[os.write(proc.stdin.fileno(), pending[:65536]):]
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        pending = pending[:0]
                    if not pending:
                        sel.unregister(proc.stdin)
                        proc.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:  # the worker is gone; keep reading its stderr to say why
                    sel.unregister(key.fileobj)
                    if proc.stdin in (k.fileobj for k in sel.get_map().values()):
                        sel.unregister(proc.stdin)
                    continue
                if key.data == "err":
                    errors += chunk[: max(0, 65536 - len(errors))]
                    continue
                reply += chunk
                try:
                    if need is None and len(reply) >= 8:
                        hlen, blen = parse_head(bytes(reply[:8]), max_body)
                        need = 8 + hlen + blen
                    if need is not None and len(reply) >= need:
                        return (_header(bytes(reply[8 : 8 + hlen])), bytes(reply[8 + hlen : need])), ""
                except (ConnectionError, ValueError, struct.error) as e:
                    return None, f"the worker's reply is unreadable: {e}"
        return None, safetext.clean(errors.decode(errors="replace"))
    finally:
        sel.close()


MAX_HEADER = 512 * 1024  # 64 KiB of printed output is at most 384 KiB of escaped JSON
_MULTILINE = {"output", "error"}  # text fields of a reply that keep their line breaks


def _header(raw: bytes) -> dict:
    """A reply's JSON header, decoded within bounds; {} (read as garbled by _box_run) if it is not one."""
    try:
        head = npyio.loads_json(raw, MAX_HEADER, max_depth=4)
    except npyio.FrameError:
        return {}
    return head if isinstance(head, dict) else {}


def _fits(value, annotation: str) -> bool:
    """Whether a JSON value has the type a BoxRun field is annotated with ("str", "int | None", ...)."""
    for kind in (k.strip() for k in str(annotation).split("|")):
        if kind == "None" and value is None:
            return True
        if kind == "str" and isinstance(value, str):
            return True
        if kind == "bool" and isinstance(value, bool):
            return True
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return math.isfinite(value) and value >= 0
    return False


def _box_run(meta: dict, body: bytes) -> BoxRun:
    """The worker's reply as a BoxRun, its text made harmless to show.

    A header that is not one a worker writes (a field unknown or of the wrong type, seconds
    that are not a finite number) comes back as a run whose result is an empty, garbled frame:
    the submission fails with reason `garbled`. The worker's own "could not set up a box"
    (`error`) is a BoxError, as before.
    """
    fields = {f.name: f.type for f in dataclasses.fields(BoxRun)}
    fields["result"] = "bool"  # on the wire: whether a result frame follows as the body
    if not isinstance(meta, dict) or not meta or not all(k in fields and _fits(v, fields[k]) for k, v in meta.items()):
        return _garbled()
    values = {k: safetext.clean(v, multiline=k in _MULTILINE) if isinstance(v, str) else v for k, v in meta.items()}
    values["result"] = body if meta.get("result") else None
    try:
        run = BoxRun(**values)
    except TypeError:  # a field missing
        return _garbled()
    if run.error:
        raise BoxError(run.error)
    return run


def _garbled() -> BoxRun:
    return BoxRun(b"", "", None, False, False, False, None, 0.0)


# -- the warm worker, client side -------------------------------------------------------------
def _worker_enabled() -> bool:
    return os.name == "posix" and hasattr(socket, "AF_UNIX") and os.environ.get(WORKER_ENV, "on").lower() not in (
        "0", "off", "no", "false")


def _version() -> str:
    import hashlib

    # python and python3 of one venv share a worker: its prefix and the real interpreter name it
    interpreter = sys.prefix + os.pathsep + os.path.realpath(sys.executable)
    h = hashlib.sha256(HARNESS.encode() + _worker_source().encode() + ISOLATION_PATH.read_bytes()
                       + SECCOMP_PATH.read_bytes() + REAPER_PATH.read_bytes()
                       + interpreter.encode() + (b"auto" if isolation_wanted() else b"off"))
    return h.hexdigest()[:12]


def socket_path() -> str | None:
    """Where the worker listens: under $RABBIT_HOME/run (private), None if the path is too long."""
    run_dir = home.rabbit_home() / "run"
    path = str(run_dir / f"grader-{_version()}.sock")
    if len(path.encode()) > 100:  # AF_UNIX paths are limited to about 104-108 bytes
        return None
    return path


def _address(path: str) -> str:
    """`@name` is an abstract socket (Linux): written with a leading NUL, which argv cannot carry."""
    return "\0" + path[1:] if path.startswith("@") else path


def _request(path: str, header: dict, body: bytes, timeout: float, max_body: int):
    if not path.startswith("@") and not os.path.exists(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(2)
        conn.connect(_address(path))
        conn.settimeout(timeout)
        send_frame(conn, header, body)
        hlen, blen = parse_head(_recv_exact(conn, 8), max_body)
        head = _header(_recv_exact(conn, hlen))
        return head, _recv_exact(conn, blen)
    except (OSError, ValueError, TypeError, KeyError, ConnectionError):
        return None  # the worker is gone or broken
    finally:
        conn.close()


def _run_warm(path: str, payload: bytes, limits: Limits) -> BoxRun | None:
    reply = _request(path, {"limits": asdict(limits)}, payload, limits.wall_seconds + 5, limits.result_bytes + 1024)
    if reply is None:
        return None  # the caller runs cold
    return _box_run(*reply)


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
            _worker_cmd("serve"),
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd="/", env=_worker_env(), start_new_session=True, close_fds=True,
        )
    except OSError:
        return
    _send_spec(proc, _spec(), os.path.abspath(path))


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
        _worker_cmd("serve"),
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd="/", env=_worker_env(), start_new_session=True, close_fds=True,
    )
    _send_spec(proc, _spec(acceptors=max(1, jobs), parent=os.getpid()), path)
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
        _kill_group(proc)
        proc.wait()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def memory_budget(limits: Limits) -> int:
    """The most memory one box holds, all its processes together. No cgroup caps a box here, so
    a box is one process (threads, but no children: see quiz/seccomp.py) within its address-space
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
        out = subprocess.run(_worker_cmd("probe"), input=_spec_frame(_spec()), capture_output=True,
                             cwd="/", env=_worker_env(), timeout=60, start_new_session=True)
        report = json.loads(out.stdout.decode())
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        return {"active": False, "detail": f"the probe failed: {e}", "facts": None, "error": str(e)}
    return report


_NOTE = {
    "ja": "rabbit: 名前空間による隔離が使えないため、リソース制限だけで採点します ({why})。詳しくは rabbit doctor。",
    "en": "rabbit: grading with resource limits only, without namespace isolation ({why}); see rabbit doctor.",
}


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
        from quiz.i18n import pick_lang

        why = run.isolation.partition(": ")[2] or "?"
        print(_NOTE[pick_lang()].format(why=why), file=sys.stderr)
    return run


# -- without fork (Windows): a fresh `python -I` child running the harness directly ----------------
def _run_direct(payload, limits: Limits) -> BoxRun:
    import subprocess
    import tempfile

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rabbit-box-") as workdir:
        result_r, result_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-c", HARNESS, str(result_w)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(result_w,), cwd=workdir, env=clean_env(workdir),
                start_new_session=True, preexec_fn=_limiter(limits) if os.name == "posix" else None,
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
        run = _collect(proc, result_r, data, limits, start)
        run.isolation = "rlimits: no fork() on this system"
        return run
