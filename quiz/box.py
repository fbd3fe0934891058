"""Run untrusted code in a child process with resource limits and a wall-clock deadline.

The child is a fresh `python -I` (isolated mode: no user site, no PYTHON* variables, no
script directory on sys.path) in a temporary working directory with a clean environment and
one BLAS thread. Input goes in on stdin, results come back on a pipe of their own, both size-capped; the
learner's own output is kept (capped) for feedback. When the deadline passes, the whole
process group is killed.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HARNESS = (Path(__file__).parent / "harness.py").read_text(encoding="utf-8")


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


def _clean_env(workdir: str) -> dict[str, str]:
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


def run(payload, limits: Limits = Limits()) -> BoxRun:
    """Start the harness, feed it `payload`, and collect its result frame and output.

    `payload` may be a callable returning the bytes: it is called once the child has started,
    so the child's numpy import overlaps with the parent preparing the cases.
    """
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
                env=_clean_env(workdir),
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


def _collect(proc: subprocess.Popen, result_r: int, payload: bytes, limits: Limits, start: float) -> BoxRun:
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
