"""One running box, from outside: feed it its payload, collect what it prints and the result it
writes, within its limits and deadline; kill its process group at the end.

Standard library only: loaded by path in the worker program (see worker.py).
"""

from __future__ import annotations

import os
import selectors
import signal
import sys
import time

if __package__:  # imported in the rabbit process
    from quiz.grading import limits
else:  # loaded by path in the worker program, which never imports quiz (see worker.py)
    limits = sys.modules["rabbit_limits"]


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _registered(sel: selectors.BaseSelector) -> set:
    return {key.data for key in sel.get_map().values()}


def collect(proc: subprocess.Popen, result_r: int, payload: bytes, box_limits: limits.Limits, start: float) -> limits.BoxRun:
    import subprocess

    deadline = start + box_limits.wall_seconds
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
                    if printed > box_limits.output_flood:
                        flood = True
                        break
                    if len(output) < box_limits.output_bytes:
                        output += chunk[: box_limits.output_bytes - len(output)]
                else:
                    if len(result) + len(chunk) > box_limits.result_bytes:
                        too_large = True
                        break
                    result += chunk
            if too_large or flood:
                break
        if timed_out or too_large or flood:
            kill_group(proc)
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            kill_group(proc)
            proc.wait()
    finally:
        kill_group(proc)  # nothing the learner started outlives the run
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
    return limits.BoxRun(
        result=bytes(result) if result and not too_large else None,
        output=output.decode("utf-8", errors="replace"),
        returncode=rc,
        timed_out=timed_out,
        result_too_large=too_large,
        output_flood=flood,
        signal_name=sig,
        seconds=time.monotonic() - start,
    )
