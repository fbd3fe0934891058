"""The acceptor A of a serving worker, and S, the supervisor of one connection.

A forks S, one at a time, and waits for it; it never accepts a connection. S forks its box G at
once, and only then accepts the next connection and reads its request (supervisor.run_forked),
so no box holds any request but its own, and the next box is forked and set up before its
request arrives.

Standard library only: loaded by path in the worker program (see worker.py).
"""

from __future__ import annotations

import os
import socket
import struct
import sys
import time
from dataclasses import asdict

if __package__:  # imported in the rabbit process
    from quiz.grading import frames, libc, limits, namespaces, reaper, supervisor
else:  # loaded by path in the worker program, which never imports quiz (see worker.py)
    frames, libc, limits = sys.modules["rabbit_frames"], sys.modules["rabbit_libc"], sys.modules["rabbit_limits"]
    namespaces, reaper = sys.modules["rabbit_namespaces"], sys.modules["rabbit_reaper"]
    supervisor = sys.modules["rabbit_supervisor"]

IDLE_SECONDS = 600  # an idle worker exits by itself
MAX_REQUEST = 80 * 1024**2


def response(run: limits.BoxRun) -> bytes:
    """A box's run as the frame the client reads (box.py): its fields, then the result frame."""
    meta = asdict(run)
    meta["result"] = run.result is not None
    return frames.frame(meta, run.result or b"")


STOP_CODE = 3  # S tells its acceptor that a client asked the worker to stop
IDLE_CODE = 4  # S tells its acceptor that no connection came (idle, or the socket is gone)


def accept_loop(sock, run_fd: int, name: str, inode: int, harness_main, status, acceptors: int) -> None:
    """A: forks S, one at a time, and waits for it. It never accepts a connection nor reads a byte
    of any request: S forks its box first, and only then accepts and reads (see _serve_one), so
    the next box is forked and set up before its request arrives."""
    while True:
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            time.sleep(0.1)  # out of processes for now: try again, not in a tight loop
            continue
        if pid == 0:  # S
            code = 1
            try:
                libc.die_with_parent(parent)
                code = _serve_one(sock, run_fd, name, inode, harness_main, status, acceptors)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        code = _wait_exit(pid)
        if code in (STOP_CODE, IDLE_CODE):
            return
        if code != 0:
            time.sleep(0.05)  # S failed before serving anyone: do not spin


def _wait_exit(pid: int) -> int:
    while True:
        try:
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except InterruptedError:
            continue
        except ChildProcessError:
            return 1


def _next_connection(sock, run_fd: int, name: str, inode: int):
    """The next connection from this user, or None when idle too long or the socket was removed
    (rabbit home deleted, or replaced)."""
    sock.settimeout(0.5)
    me = os.getuid()
    since = time.monotonic()
    while True:
        try:
            conn, _ = sock.accept()
        except socket.timeout:
            try:
                gone = run_fd is not None and os.stat(name, dir_fd=run_fd).st_ino != inode
            except OSError:
                gone = True
            if gone or time.monotonic() - since > IDLE_SECONDS:
                return None
            continue
        except OSError:
            continue
        try:
            cred = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            if struct.unpack("3i", cred)[1] == me:
                return conn  # only the same user may submit
        except OSError:
            pass
        conn.close()


def _serve_one(sock, run_fd: int, name: str, inode: int, harness_main, status, acceptors: int) -> int:
    """S: one connection. The box is forked before the connection is accepted, so it holds no
    request but its own, and no earlier one at all; every process the box leaves is killed at the end."""
    reaper.become_subreaper()
    asked: dict = {}

    def read_request():
        conn = asked["conn"] = _next_connection(sock, run_fd, name, inode)
        if conn is None:
            asked["idle"] = True
            return None
        conn.settimeout(10)
        header, payload = frames.recv_frame(conn, MAX_REQUEST)
        if header.get("stop"):
            asked["stop"] = True
            return None
        if header.get("ping"):
            frames.send_frame(conn, {"pong": True, "isolation": namespaces.describe(status), "acceptors": acceptors}, b"")
            return None
        box_limits = limits.Limits(**header["limits"])
        conn.settimeout(None)
        return box_limits, payload

    try:
        run = supervisor.run_forked(harness_main, read_request, status)
    except (OSError, ValueError, KeyError, TypeError, ConnectionError):
        run = None
    finally:
        reaper.kill_descendants(status.active)
    conn = asked.get("conn")
    if conn is not None:
        with conn:
            if run is not None:
                try:
                    conn.sendall(response(run))
                except OSError:
                    pass
    if asked.get("stop"):
        return STOP_CODE
    return IDLE_CODE if asked.get("idle") else 0
