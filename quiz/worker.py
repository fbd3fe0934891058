"""The process side of the box: limits, the child's clean environment, collecting its output,
and the warm worker (a zygote with numpy imported that forks one child per submission).

This module imports only the standard library, because its source also runs as the worker
program itself (`python -I -c <this source> serve PATH`), outside the rabbit process.
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


# -- the warm worker ------------------------------------------------------------------------
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


def _run_forked(harness_main, payload: bytes, limits: Limits) -> BoxRun:
    import tempfile

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rabbit-box-") as workdir:
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            try:
                os.setsid()
                os.dup2(in_r, 0)
                os.dup2(out_w, 1)
                os.dup2(out_w, 2)
                os.dup2(res_w, 3)
                os.closerange(4, 1 << 16)  # the listening socket and the client's connection too
                os.chdir(workdir)
                os.environ.clear()
                os.environ.update(clean_env(workdir))
                _limiter(limits)()
                sys.stdin = open(0, "r", closefd=False)
                sys.stdout = open(1, "w", buffering=1, closefd=False)
                sys.stderr = sys.stdout
                harness_main(3)
            except BaseException:
                pass
            finally:
                os._exit(0)
        for fd in (in_r, out_w, res_w):
            os.close(fd)
        child = ForkedChild(pid, in_w, out_r)
        return _collect(child, res_r, payload, limits, start)


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = conn.recv(min(1 << 20, n - len(chunks)))
        if not chunk:
            raise ConnectionError("short read")
        chunks += chunk
    return bytes(chunks)


def send_frame(conn: socket.socket, header: dict, body: bytes) -> None:
    head = json.dumps(header).encode()
    conn.sendall(struct.pack("<II", len(head), len(body)) + head + body)


def recv_frame(conn: socket.socket, max_body: int) -> tuple[dict, bytes]:
    hlen, blen = struct.unpack("<II", _recv_exact(conn, 8))
    if hlen > 1 << 20 or blen > max_body:
        raise ConnectionError("frame too large")
    header = json.loads(_recv_exact(conn, hlen).decode())
    return header, _recv_exact(conn, blen)


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


def serve(path: str, harness_source: str) -> None:
    """The worker's main loop: one submission at a time, each in a freshly forked child."""
    namespace = {"__name__": "rabbit_harness"}
    exec(compile(harness_source, "<harness>", "exec"), namespace)  # imports numpy once, here
    harness_main = namespace["main"]
    _warm_up()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            sock.bind(path)
        except OSError:
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(path)
                return  # another worker is serving already
            except OSError:
                os.unlink(path)  # a stale socket left by a dead worker
                sock.bind(path)
            finally:
                probe.close()
        os.chmod(path, 0o600)
        sock.listen(16)
        sock.settimeout(2)
        inode = os.stat(path).st_ino
        me = os.getuid()
        last = time.monotonic()
        while True:
            try:
                conn, _ = sock.accept()
            except socket.timeout:
                # exit when idle, or when the socket was removed (rabbit home deleted, or replaced)
                try:
                    gone = os.stat(path).st_ino != inode
                except OSError:
                    gone = True
                if gone or time.monotonic() - last > IDLE_SECONDS:
                    break
                continue
            last = time.monotonic()
            with conn:
                try:
                    cred = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
                    if struct.unpack("3i", cred)[1] != me:
                        continue  # only the same user may submit
                    conn.settimeout(10)
                    header, payload = recv_frame(conn, MAX_REQUEST)
                    if header.get("stop"):
                        break
                    limits = Limits(**header["limits"])
                    conn.settimeout(None)
                    run = _run_forked(harness_main, payload, limits)
                    result = run.result or b""
                    meta = asdict(run)
                    meta["result"] = run.result is not None
                    send_frame(conn, meta, result)
                except (OSError, ValueError, KeyError, TypeError, ConnectionError):
                    continue
    finally:
        try:
            if os.path.exists(path) and os.stat(path).st_ino == os.fstat(sock.fileno()).st_ino:
                os.unlink(path)
        except OSError:
            pass
        sock.close()


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "serve":
    with open(sys.argv[3], encoding="utf-8") as f:
        harness_text = f.read()
    serve(sys.argv[2], harness_text)
