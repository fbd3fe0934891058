"""A box without the warm worker: the cold path (a one-shot worker, numpy imported and namespaces
entered, forks one box and answers over its stdout) and, without fork(), a plain `python -I`
child running the harness directly.
"""

from __future__ import annotations

import os
import struct
import sys
import time
from dataclasses import asdict

from quiz.grading import launch, safetext
from quiz.grading.reply import BoxError, box_run, read_header
from quiz.grading.collect import collect, kill_group
from quiz.grading.frames import frame, parse_head
from quiz.grading.limits import BoxRun, Limits, clean_env, limiter

GRACE_SECONDS = 10.0  # on top of the box's own deadline: the worker's start-up, the reply


def run_cold(payload, limits: Limits) -> BoxRun:
    """The cold path: a one-shot worker (numpy imported, namespaces entered) forks one box."""
    import subprocess

    start = time.monotonic()
    proc = subprocess.Popen(
        launch.command("once"),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd="/", env=launch.worker_env(), start_new_session=True, close_fds=True,
    )
    try:
        data = payload() if callable(payload) else payload  # computed while the worker starts
        request = launch.spec_frame(launch.worker_spec()) + frame({"limits": asdict(limits)}, data)
        deadline = start + limits.wall_seconds + GRACE_SECONDS
        reply, errors = exchange(proc, request, deadline, limits.result_bytes + 1024)
    finally:
        kill_group(proc)
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
    return box_run(*reply)


def exchange(proc, request: bytes, deadline: float, max_body: int):
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
                        return (read_header(bytes(reply[8 : 8 + hlen])), bytes(reply[8 + hlen : need])), ""
                except (ConnectionError, ValueError, struct.error) as e:
                    return None, f"the worker's reply is unreadable: {e}"
        return None, safetext.clean(errors.decode(errors="replace"))
    finally:
        sel.close()


# -- without fork (Windows): a fresh `python -I` child running the harness directly ----------------
def run_direct(payload, limits: Limits) -> BoxRun:
    import subprocess
    import tempfile

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rabbit-box-") as workdir:
        result_r, result_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-c", launch.HARNESS_PATH.read_text(encoding="utf-8"), str(result_w)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(result_w,), cwd=workdir, env=clean_env(workdir),
                start_new_session=True, preexec_fn=limiter(limits) if os.name == "posix" else None,
                close_fds=True,
            )
        finally:
            os.close(result_w)
        try:
            data = payload() if callable(payload) else payload
        except BaseException:
            kill_group(proc)
            proc.wait()
            os.close(result_r)
            raise
        run = collect(proc, result_r, data, limits, start)
        run.isolation = "rlimits: no fork() on this system"
        return run
