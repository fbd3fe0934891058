"""The process side of the box: limits, the child's clean environment, collecting its output,
and the worker program (numpy imported once, one forked box per submission).

This module imports only the standard library, because its source also runs as the worker
program itself (`python -I -c <this source> MODE`, its spec and socket on stdin), outside the
rabbit process, where it loads isolation.py, seccomp.py and reaper.py by path. Modes: `serve` (the warm worker on a socket: the learner's,
or a private one with several acceptors for `rabbit grade`), `once` (one submission over
stdin/stdout: the cold path) and `probe` (what a box sees, for `rabbit doctor`).

No box inherits another submission: each is forked from a process that has never held a
request, a result or case data (the acceptor forks S per connection, S forks the box and only
then reads the request, hands the box its limits on a pipe and its payload on stdin).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import struct
import sys
import time
from dataclasses import asdict, dataclass

if __name__ != "__main__":  # in the rabbit process; the worker program loads them by path below
    from quiz import isolation, reaper, seccomp


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 6.0
    cpu_seconds: int = 4
    address_space: int = 2 * 1024**3  # numpy alone maps a few hundred MB
    file_size: int = 1024**2
    open_files: int = 64
    processes: int = 64
    output_bytes: int = 64 * 1024  # learner's prints kept for feedback
    output_flood: int = 4 * 1024**2  # printing more than this ends the run
    result_bytes: int = 32 * 1024**2


@dataclass
class BoxRun:
    result: bytes | None  # the result frame the harness wrote, or None
    output: str  # what the learner printed (truncated)
    returncode: int | None
    timed_out: bool
    result_too_large: bool
    output_flood: bool
    signal_name: str | None
    seconds: float
    isolation: str = ""  # "namespaces", or "rlimits: <why not>"
    error: str = ""  # the box itself could not be set up (not the learner's doing)


_PASS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "SYSTEMROOT")


def clean_env(workdir: str) -> dict[str, str]:
    env = {
        "PATH": os.defpath,
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in _PASS_ENV:  # some CPUs need these for OpenBLAS to compute correctly
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _limiter(limits: Limits):
    def apply() -> None:
        import resource

        def cap(what: int, value: int) -> None:
            soft, hard = resource.getrlimit(what)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            try:
                resource.setrlimit(what, (value, value))
            except (ValueError, OSError):
                pass

        cap(resource.RLIMIT_CPU, limits.cpu_seconds)
        cap(resource.RLIMIT_AS, limits.address_space)
        cap(resource.RLIMIT_FSIZE, limits.file_size)
        cap(resource.RLIMIT_NOFILE, limits.open_files)
        cap(resource.RLIMIT_CORE, 0)
        if hasattr(resource, "RLIMIT_NPROC"):
            cap(resource.RLIMIT_NPROC, limits.processes)

    return apply


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _registered(sel: selectors.BaseSelector) -> set:
    return {key.data for key in sel.get_map().values()}


def _collect(proc: subprocess.Popen, result_r: int, payload: bytes, limits: Limits, start: float) -> BoxRun:
    import subprocess

    deadline = start + limits.wall_seconds
    sel = selectors.DefaultSelector()
    assert proc.stdin is not None and proc.stdout is not None
    os.set_blocking(proc.stdin.fileno(), False)
    pending = memoryview(payload)
    sel.register(proc.stdin, selectors.EVENT_WRITE, "in")
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(result_r, selectors.EVENT_READ, "result")
    output = bytearray()
    result = bytearray()
    too_large = False
    flood = False
    printed = 0
    timed_out = False
    open_streams = 3
    try:
        while open_streams:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            if open_streams == 1 and proc.poll() is not None and "out" in _registered(sel):
                # the harness has exited; a stray grandchild may still hold stdout open
                break
            for key, _ in sel.select(timeout=min(remaining, 0.25)):
                if key.data == "in":
                    try:
                        written = os.write(proc.stdin.fileno(), pending[:65536])
                        pending = pending[written:]
                    except (BrokenPipeError, BlockingIOError) as e:
                        if isinstance(e, BlockingIOError):
                            continue
                        pending = pending[:0]
                    if not pending:
                        sel.unregister(proc.stdin)
                        proc.stdin.close()
                        open_streams -= 1
                    continue
                fd = key.fd
                chunk = os.read(fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                if key.data == "out":
                    printed += len(chunk)
                    if printed > limits.output_flood:
                        flood = True
                        break
                    if len(output) < limits.output_bytes:
                        output += chunk[: limits.output_bytes - len(output)]
                else:
                    if len(result) + len(chunk) > limits.result_bytes:
                        too_large = True
                        break
                    result += chunk
            if too_large or flood:
                break
        if timed_out or too_large or flood:
            _kill_group(proc)
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            proc.wait()
    finally:
        _kill_group(proc)  # nothing the learner started outlives the run
        sel.close()
        os.close(result_r)
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream and not stream.closed:
                    stream.close()
            except OSError:
                pass
    rc = proc.returncode
    sig = None
    if rc is not None and rc < 0:
        try:
            sig = signal.Signals(-rc).name
        except ValueError:
            sig = f"signal {-rc}"
    return BoxRun(
        result=bytes(result) if result and not too_large else None,
        output=output.decode("utf-8", errors="replace"),
        returncode=rc,
        timed_out=timed_out,
        result_too_large=too_large,
        output_flood=flood,
        signal_name=sig,
        seconds=time.monotonic() - start,
    )


# -- the box: one forked child per submission ----------------------------------------------------
IDLE_SECONDS = 600  # an idle worker exits by itself
MAX_REQUEST = 80 * 1024**2


class ForkedChild:
    """The few Popen methods _collect uses, for a child forked by the worker."""

    def __init__(self, pid: int, stdin_fd: int, stdout_fd: int):
        self.pid = pid
        self.stdin = os.fdopen(stdin_fd, "wb", buffering=0)
        self.stdout = os.fdopen(stdout_fd, "rb", buffering=0)
        self.returncode: int | None = None

    def _reap(self, flags: int) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:
                self.returncode = -9
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def poll(self) -> int | None:
        return self._reap(os.WNOHANG)

    def wait(self, timeout: float | None = None) -> int:
        import subprocess

        end = None if timeout is None else time.monotonic() + timeout
        while self._reap(os.WNOHANG) is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired("box", timeout)
            time.sleep(0.002)
        return self.returncode


def _run_forked(harness_main, read_request, status) -> BoxRun | None:
    """One box. G is forked first, from a process that has never held a request; only then is
    `read_request()` called (-> (Limits, payload), or None: no box needed). G receives its limits
    on a control pipe and its payload on stdin, and runs `harness_main(3)`.
    """
    import tempfile

    scratch = None
    if status.active:  # on a fresh tmpfs in the box's own mount namespace
        workdir = f"{isolation.BOX_DIR}/rabbit-box-{os.urandom(6).hex()}"
    else:
        scratch = tempfile.TemporaryDirectory(prefix="rabbit-box-")
        workdir = scratch.name
    try:
        pipes = [os.pipe() for _ in range(5)]  # stdin, output, result, setup errors, limits
        (in_r, in_w), (out_r, out_w), (res_r, res_w), (err_r, err_w), (ctl_r, ctl_w) = pipes
        start = time.monotonic()
        try:
            pid = isolation.fork_box(status)
        except OSError as e:
            for fd in (fd for pair in pipes for fd in pair):
                os.close(fd)
            if read_request() is None:
                return None
            return _failed(start, status, f"could not start the box: {e}")
        if pid == 0:  # G: never returns
            _box_child(harness_main, status, workdir, (in_r, out_w, res_w, err_w, ctl_r))
        for fd in (in_r, out_w, res_w, err_w, ctl_r):
            os.close(fd)
        child = ForkedChild(pid, in_w, out_r)
        try:
            request = read_request()
        except BaseException:
            request = None
        if request is None:
            os.close(ctl_w)  # G sees no limits and leaves
            for fd in (res_r, err_r):
                os.close(fd)
            child.stdin.close()
            child.stdout.close()
            _kill_group(child)
            child.wait()
            return None
        limits, payload = request
        start = time.monotonic()
        try:
            _write_all_fd(ctl_w, json.dumps(asdict(limits)).encode())
        except OSError:
            pass  # G is gone already: the run below says so
        finally:
            os.close(ctl_w)
        run = _collect(child, res_r, payload, limits, start)
        try:
            os.set_blocking(err_r, False)
            run.error = os.read(err_r, 4096).decode(errors="replace")
        except BlockingIOError:
            pass
        finally:
            os.close(err_r)
        if run.error:
            run.error = "could not set up the box: " + run.error
        run.isolation = describe(status)
        return run
    finally:
        if scratch is not None:
            scratch.cleanup()


def _box_child(harness_main, status, workdir: str, fds) -> None:
    """G: become the box, wait for the limits, then run the harness. Never returns."""
    in_r, out_w, res_w, err_w, ctl_r = fds
    try:
        try:
            os.setsid()  # a session and process group of its own, which it cannot leave
            isolation.die_with_parent(0)  # outside namespaces, the one tie a dead worker leaves
            os.dup2(in_r, 0)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            os.dup2(res_w, 3)
            os.dup2(err_w, 4)
            os.dup2(ctl_r, 5)
            os.closerange(6, 1 << 16)  # the listening socket and the client's connection too
            isolation.enter_box(status, workdir)
            os.environ.clear()
            os.environ.update(clean_env(workdir))
            raw = _read_to_end(5)
            os.close(5)
            if not raw:
                os._exit(0)  # no request for this box after all
            limits = Limits(**json.loads(raw))
            _limiter(limits)()
            isolation.drop_privileges(strict=status.active)
            seccomp.seal(status.active)  # no kernel object it could share with another box
        except BaseException as e:  # noqa: BLE001
            os.write(4, f"{type(e).__name__}: {e}".encode()[:2000])
            os._exit(0)
        os.close(4)
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = open(1, "w", buffering=1, closefd=False)
        sys.stderr = sys.stdout
        harness_main(3)
    except BaseException:  # noqa: BLE001 - whatever the learner raised: no result
        pass
    finally:
        os._exit(0)


def _read_to_end(fd: int, cap: int = 1 << 16) -> bytes:
    chunks = bytearray()
    while len(chunks) < cap:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        chunks += chunk
    return bytes(chunks)


def _failed(start: float, status, error: str) -> BoxRun:
    return BoxRun(None, "", None, False, False, False, None, time.monotonic() - start, describe(status), error)


def describe(status) -> str:
    return "namespaces" if status.active else f"rlimits: {status.detail}"


# -- frames: a JSON header and a body, on a socket or a pipe --------------------------------------
def frame(header: dict, body: bytes) -> bytes:
    head = json.dumps(header).encode()
    return struct.pack("<II", len(head), len(body)) + head + body


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = conn.recv(min(1 << 20, n - len(chunks)))
        if not chunk:
            raise ConnectionError("short read")
        chunks += chunk
    return bytes(chunks)


def send_frame(conn: socket.socket, header: dict, body: bytes) -> None:
    conn.sendall(frame(header, body))


def parse_head(head: bytes, max_body: int) -> tuple[int, int]:
    hlen, blen = struct.unpack("<II", head)
    if hlen > 1 << 20 or blen > max_body:
        raise ConnectionError("frame too large")
    return hlen, blen


def recv_frame(conn: socket.socket, max_body: int) -> tuple[dict, bytes]:
    hlen, blen = parse_head(_recv_exact(conn, 8), max_body)
    header = json.loads(_recv_exact(conn, hlen).decode())
    return header, _recv_exact(conn, blen)


def _read_exact_fd(fd: int, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = os.read(fd, min(1 << 20, n - len(chunks)))
        if not chunk:
            raise ConnectionError("short read")
        chunks += chunk
    return bytes(chunks)


def _write_all_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# -- the worker program ---------------------------------------------------------------------------
def _warm_up() -> None:
    """Import now what numpy loads lazily (zip files, .npy format, tracebacks), once, before forking."""
    import io
    import linecache  # noqa: F401
    import resource  # noqa: F401
    import traceback  # noqa: F401

    import numpy as np

    buf = io.BytesIO()
    np.savez(buf, a=np.zeros(2), b=np.frombuffer(b"{}", dtype=np.uint8))
    with np.load(io.BytesIO(buf.getvalue()), allow_pickle=False) as data:
        data["a"].copy()
    np.hsplit(np.zeros((2, 4)), 2), np.tanh(np.zeros(1)), np.exp(np.zeros(1)), np.linalg.norm(np.ones(3))


def main(mode: str, spec: dict, path: str | None = None) -> None:
    """R: bind the socket (serve), enter the namespaces (or fall back), import numpy, serve."""
    isolation.make_non_dumpable()
    if spec.get("parent"):  # a private worker (rabbit grade) ends with the command that started it
        isolation.die_with_parent(int(spec["parent"]))
    with open(spec["harness"], encoding="utf-8") as f:
        harness_source = f.read()  # read now: the new root has no rabbit files in it
    listening = None
    if mode == "serve":
        listening = _listen(path)
        if listening is None:
            return  # another worker is serving already
    status = isolation.enter(spec)  # returns in W (namespaces) or in R (fallback)
    namespace = {"__name__": "rabbit_harness"}
    exec(compile(harness_source, "<harness>", "exec"), namespace)  # imports numpy once, here
    harness_main = namespace["main"]
    _warm_up()
    isolation.ready(status)
    if mode == "once":
        reaper.become_subreaper()
        run = _run_forked(harness_main, _read_once, status)  # the request is read after the fork
        reaper.kill_descendants(status.active)
        if run is not None:
            _write_all_fd(1, _response(run))
    elif mode == "probe":
        _probe(spec, status)
    else:
        serve(listening, harness_main, status, int(spec.get("acceptors", 1)))


def _read_once():
    header, payload = recv_frame_fd(0, MAX_REQUEST)
    return Limits(**header["limits"]), payload


def recv_frame_fd(fd: int, max_body: int) -> tuple[dict, bytes]:
    hlen, blen = parse_head(_read_exact_fd(fd, 8), max_body)
    header = json.loads(_read_exact_fd(fd, hlen).decode())
    return header, _read_exact_fd(fd, blen)


def _response(run: BoxRun) -> bytes:
    meta = asdict(run)
    meta["result"] = run.result is not None
    return frame(meta, run.result or b"")


def _probe(spec: dict, status) -> None:
    import numpy

    reaper.become_subreaper()
    run = _run_forked(lambda fd: isolation.observe_main(spec, fd), lambda: (Limits(), b""), status)
    reaper.kill_descendants(status.active)
    try:
        facts = json.loads(run.result) if run.result else None
    except ValueError:
        facts = None
    report = {"active": status.active, "detail": status.detail, "facts": facts, "error": run.error,
              "python": sys.version.split()[0], "numpy": numpy.__version__}
    _write_all_fd(1, json.dumps(report).encode())


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
            _accept_loop(sock, run_fd, name, inode, harness_main, status, acceptors)
            return
        kids = set()
        for _ in range(acceptors):  # pre-forked after the warm-up: all share numpy's pages
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:
                try:
                    isolation.die_with_parent(parent)
                    _accept_loop(sock, run_fd, name, inode, harness_main, status, acceptors)
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


STOP_CODE = 3  # S tells its acceptor that a client asked the worker to stop


def _accept_loop(sock, run_fd: int, name: str, inode: int, harness_main, status, acceptors: int) -> None:
    """A: accepts connections and nothing else. It never reads a byte of any request: for each
    connection it forks S, which forks the box before it reads the request (see _serve_one)."""
    sock.settimeout(0.5)
    me = os.getuid()
    last = time.monotonic()
    while True:
        try:
            conn, _ = sock.accept()
        except socket.timeout:
            # exit when idle, or when the socket was removed (rabbit home deleted, or replaced)
            try:
                gone = run_fd is not None and os.stat(name, dir_fd=run_fd).st_ino != inode
            except OSError:
                gone = True
            if gone or time.monotonic() - last > IDLE_SECONDS:
                return
            continue
        except OSError:
            continue
        last = time.monotonic()
        with conn:
            try:
                cred = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
                if struct.unpack("3i", cred)[1] != me:
                    continue  # only the same user may submit
                parent = os.getpid()
                pid = os.fork()
            except OSError:
                continue
            if pid == 0:  # S
                code = 0
                try:
                    sock.close()
                    isolation.die_with_parent(parent)
                    code = _serve_one(conn, harness_main, status, acceptors)
                except BaseException:  # noqa: BLE001
                    code = 1
                finally:
                    os._exit(code)
        code = _wait_exit(pid)
        if code == STOP_CODE:
            return


def _wait_exit(pid: int) -> int:
    while True:
        try:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except InterruptedError:
            continue
        except ChildProcessError:
            return 1


def _serve_one(conn, harness_main, status, acceptors: int) -> int:
    """S: one connection. The box is forked before the request is read, so it holds no request
    but its own, and no earlier one at all; every process the box leaves is killed at the end."""
    reaper.become_subreaper()
    conn.settimeout(10)
    asked = {}

    def read_request():
        header, payload = recv_frame(conn, MAX_REQUEST)
        if header.get("stop"):
            asked["stop"] = True
            return None
        if header.get("ping"):
            send_frame(conn, {"pong": True, "isolation": describe(status), "acceptors": acceptors}, b"")
            return None
        limits = Limits(**header["limits"])
        conn.settimeout(None)
        return limits, payload

    try:
        run = _run_forked(harness_main, read_request, status)
    except (OSError, ValueError, KeyError, TypeError, ConnectionError):
        run = None
    finally:
        reaper.kill_descendants(status.active)
    if run is not None:
        try:
            conn.sendall(_response(run))
        except OSError:
            pass
    return STOP_CODE if asked.get("stop") else 0


def _load(name: str, path: str):
    import types

    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), module.__dict__)
    return module


if __name__ == "__main__" and len(sys.argv) == 2 and sys.argv[1] in ("serve", "once", "probe"):
    # the spec (paths, settings) comes on stdin, never on the command line a box could read
    _head, _ = recv_frame_fd(0, 0)
    _spec, _socket = _head["spec"], _head.get("socket")
    del _head
    if sys.argv[1] != "once":  # `once` reads its request next; the others need no stdin
        _null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(_null, 0)
        os.close(_null)
    isolation = _load("rabbit_isolation", _spec["isolation"])
    seccomp = _load("rabbit_seccomp", _spec["seccomp"])
    reaper = _load("rabbit_reaper", _spec["reaper"])
    main(sys.argv[1], _spec, _socket)
