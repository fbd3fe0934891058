"""The worker program: the pristine parent every box is forked from.

It runs outside the rabbit process, as `python -I -c <this source> MODE`, its spec (paths,
settings) and socket on stdin, never on a command line a box could read. It imports only the
standard library, and loads its sibling modules by path (launch.MODULES, in that order), never the
quiz package or anything that opens the bank or the store; the harness source it execs once, so
numpy is imported once, before any box is forked. Modes: `serve` (the warm worker on a socket:
the learner's, or a private one with several acceptors for `rabbit grade`), `once` (one
submission over stdin/stdout: the cold path) and `probe` (what a box sees, for `rabbit doctor`).

No box inherits another submission: each is forked from a process that has never held a
request, a result or case data (the acceptor forks S, S forks the box and only then accepts
the next connection and reads its request: see supervisor.py).
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys

if __package__:  # imported in the rabbit process (tests, tools): the same modules, by import
    from quiz.grading import acceptor, frames, libc, limits, namespaces, observe, reaper, supervisor



# -- the worker program ---------------------------------------------------------------------------
def _warm_up() -> None:
    """Import now what numpy loads lazily (zip files, .npy format, tracebacks), once, before forking."""
    import io
    import linecache  # noqa: F401
    import resource  # noqa: F401
    import subprocess  # noqa: F401  (each box's supervisor waits with it: 3 ms a box if imported there)
    import tempfile  # noqa: F401  (each box's supervisor needs it: 9 ms a box if imported there)
    import traceback  # noqa: F401

    import numpy as np

    buf = io.BytesIO()
    np.savez(buf, a=np.zeros(2), b=np.frombuffer(b"{}", dtype=np.uint8))
    with np.load(io.BytesIO(buf.getvalue()), allow_pickle=False) as data:
        data["a"].copy()
    np.hsplit(np.zeros((2, 4)), 2), np.tanh(np.zeros(1)), np.exp(np.zeros(1)), np.linalg.norm(np.ones(3))


def main(mode: str, spec: dict, path: str | None = None) -> None:
    """R: bind the socket (serve), enter the namespaces (or fall back), import numpy, serve."""
    libc.make_non_dumpable()
    if spec.get("parent"):  # a private worker (rabbit grade) ends with the command that started it
        libc.die_with_parent(int(spec["parent"]))
    with open(spec["harness"], encoding="utf-8") as f:
        harness_source = f.read()  # read now: the new root has no rabbit files in it
    listening = None
    if mode == "serve":
        listening = _listen(path)
        if listening is None:
            return  # another worker is serving already
    status = namespaces.enter(spec)  # returns in W (namespaces) or in R (fallback)
    namespace = {"__name__": "rabbit_harness"}
    exec(compile(harness_source, "<harness>", "exec"), namespace)  # imports numpy once, here
    harness_main = namespace["main"]
    _warm_up()
    namespaces.ready(status)
    if mode == "once":
        reaper.become_subreaper()
        run = supervisor.run_forked(harness_main, _read_once, status)  # the request is read after the fork
        reaper.kill_descendants(status.active)
        if run is not None:
            frames.write_all_fd(1, acceptor.response(run))
    elif mode == "probe":
        _probe(spec, status)
    else:
        serve(listening, harness_main, status, int(spec.get("acceptors", 1)))


def _read_once():
    header, payload = frames.recv_frame_fd(0, acceptor.MAX_REQUEST)
    return limits.Limits(**header["limits"]), payload


def _probe(spec: dict, status) -> None:
    import numpy

    reaper.become_subreaper()
    run = supervisor.run_forked(lambda fd: observe.observe_main(spec, fd), lambda: (limits.Limits(), b""), status)
    reaper.kill_descendants(status.active)
    try:
        facts = json.loads(run.result) if run.result else None
    except ValueError:
        facts = None
    report = {"active": status.active, "detail": status.detail, "facts": facts, "error": run.error,
              "python": sys.version.split()[0], "numpy": numpy.__version__}
    frames.write_all_fd(1, json.dumps(report).encode())


def _listen(path: str):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if path.startswith("@"):  # an abstract socket (Linux): no file to plant, leave behind or clean up
        sock.bind("\0" + path[1:])
        sock.listen(64)
        return sock, None, path, None
    try:
        sock.bind(path)
    except OSError:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(path)
            sock.close()
            return None  # another worker is serving already
        except OSError:
            os.unlink(path)  # a stale socket left by a dead worker
            sock.bind(path)
        finally:
            probe.close()
    os.chmod(path, 0o600)
    sock.listen(64)
    # the socket's directory, kept open: in the worker's new root it is not visible by path
    run_fd = os.open(os.path.dirname(path) or ".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    name = os.path.basename(path)
    return sock, run_fd, name, os.stat(name, dir_fd=run_fd).st_ino


def serve(listening, harness_main, status, acceptors: int = 1) -> None:
    """The warm worker: one submission at a time per acceptor, each in a freshly forked box."""
    sock, run_fd, name, inode = listening
    try:
        if acceptors <= 1:
            acceptor.accept_loop(sock, run_fd, name, inode, harness_main, status, acceptors)
            return
        kids = set()
        for _ in range(acceptors):  # pre-forked after the warm-up: all share numpy's pages
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:
                try:
                    libc.die_with_parent(parent)
                    acceptor.accept_loop(sock, run_fd, name, inode, harness_main, status, acceptors)
                finally:
                    os._exit(0)
            kids.add(pid)
        while kids:  # reap the acceptors (and, as PID 1, any orphan handed to us)
            try:
                pid, _ = os.wait()
            except ChildProcessError:
                break
            kids.discard(pid)
    finally:
        try:
            if run_fd is not None and os.stat(name, dir_fd=run_fd).st_ino == inode:
                os.unlink(name, dir_fd=run_fd)
        except OSError:
            pass
        sock.close()


def _load(name: str, path: str):
    import types

    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), module.__dict__)
    return module


def _read_spec(fd: int = 0) -> dict:
    """The first frame on stdin (a header, no body), read before any module is loaded."""
    def exact(n: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < n:
            chunk = os.read(fd, n - len(chunks))
            if not chunk:
                raise ConnectionError("short read")
            chunks += chunk
        return bytes(chunks)

    hlen, blen = struct.unpack("<II", exact(8))
    if hlen > 1 << 20 or blen:
        raise ConnectionError("not a spec frame")
    return json.loads(exact(hlen).decode())


if __name__ == "__main__" and len(sys.argv) == 2 and sys.argv[1] in ("serve", "once", "probe"):
    _head = _read_spec(0)
    _spec, _socket = _head["spec"], _head.get("socket")
    del _head
    if sys.argv[1] != "once":  # `once` reads its request next; the others need no stdin
        _null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(_null, 0)
        os.close(_null)
    for _name, _path in _spec["modules"]:  # dependencies first: each finds the earlier ones as rabbit_<name>
        globals()[_name] = _load("rabbit_" + _name, _path)
    main(sys.argv[1], _spec, _socket)
