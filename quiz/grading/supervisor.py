"""One box per submission, in the worker: S forks G from a process that has never held a request,
only then reads the request, and hands G its limits on a pipe and its payload on stdin. G becomes
the box (setsid, namespaces, limits, no privileges, seccomp) and runs the harness.

Standard library only: loaded by path in the worker program (see worker.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict

if __package__:  # imported in the rabbit process
    from quiz.grading import collect, frames, libc, limits, namespaces, newroot, seccomp
else:  # loaded by path in the worker program, which never imports quiz (see worker.py)
    collect, frames, libc = sys.modules["rabbit_collect"], sys.modules["rabbit_frames"], sys.modules["rabbit_libc"]
    limits, namespaces, newroot = sys.modules["rabbit_limits"], sys.modules["rabbit_namespaces"], sys.modules["rabbit_newroot"]
    seccomp = sys.modules["rabbit_seccomp"]


class ForkedChild:
    """The few Popen methods collect.collect uses, for a child forked by the worker."""

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
        pause = 0.0002  # the box has usually closed its pipes and is exiting: look again soon
        while self._reap(os.WNOHANG) is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired("box", timeout)
            time.sleep(pause)
            pause = min(pause * 2, 0.005)
        return self.returncode


def run_forked(harness_main, read_request, status) -> limits.BoxRun | None:
    """One box. G is forked first, from a process that has never held a request; only then is
    `read_request()` called (-> (Limits, payload), or None: no box needed). G receives its limits
    on a control pipe and its payload on stdin, and runs `harness_main(3)`.
    """
    import tempfile

    scratch = None
    if status.active:  # on a fresh tmpfs in the box's own mount namespace
        workdir = f"{newroot.BOX_DIR}/rabbit-box-{os.urandom(6).hex()}"
    else:
        scratch = tempfile.TemporaryDirectory(prefix="rabbit-box-")
        workdir = scratch.name
    try:
        pipes = [os.pipe() for _ in range(5)]  # stdin, output, result, setup errors, limits
        (in_r, in_w), (out_r, out_w), (res_r, res_w), (err_r, err_w), (ctl_r, ctl_w) = pipes
        start = time.monotonic()
        try:
            pid = namespaces.fork_box(status)
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
            collect.kill_group(child)
            child.wait()
            return None
        box_limits, payload = request
        start = time.monotonic()
        try:
            frames.write_all_fd(ctl_w, json.dumps(asdict(box_limits)).encode())
        except OSError:
            pass  # G is gone already: the run below says so
        finally:
            os.close(ctl_w)
        run = collect.collect(child, res_r, payload, box_limits, start)
        try:
            os.set_blocking(err_r, False)
            run.error = os.read(err_r, 4096).decode(errors="replace")
        except BlockingIOError:
            pass
        finally:
            os.close(err_r)
        if run.error:
            run.error = "could not set up the box: " + run.error
        run.isolation = namespaces.describe(status)
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
            libc.die_with_parent(0)  # outside namespaces, the one tie a dead worker leaves
            os.dup2(in_r, 0)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            os.dup2(res_w, 3)
            os.dup2(err_w, 4)
            os.dup2(ctl_r, 5)
            os.closerange(6, 1 << 16)  # the listening socket and the client's connection too
            namespaces.enter_box(status, workdir)
            os.environ.clear()
            os.environ.update(limits.clean_env(workdir))
            raw = _read_to_end(5)
            os.close(5)
            if not raw:
                os._exit(0)  # no request for this box after all
            box_limits = limits.Limits(**json.loads(raw))
            limits.limiter(box_limits)()
            namespaces.drop_privileges(strict=status.active)
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


def _failed(start: float, status, error: str) -> limits.BoxRun:
    return limits.BoxRun(None, "", None, False, False, False, None, time.monotonic() - start, namespaces.describe(status), error)

