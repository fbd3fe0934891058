"""Every process a box started ends with it, whatever it did with sessions and process groups.

Standard library only: this source also runs inside the worker program, which loads it by path.

The process that forks a box (S in the worker, see worker.py) is a child subreaper: anything
the box leaves behind, however it detached (setsid, double fork), is re-parented to S rather
than to init. At the end S kills its whole subtree, found through /proc, until none is left.
With namespaces the kernel does this already (the box is PID 1 of its own PID namespace).
"""

from __future__ import annotations

import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
LINUX = sys.platform.startswith("linux")


def become_subreaper() -> bool:
    if not LINUX:
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _parents() -> dict[int, int]:
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()  # after the command name, which may hold spaces
        if len(fields) > 1:
            out[int(name)] = int(fields[1])
    return out


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        for kid in children.get(todo.pop(), []):
            found.append(kid)
            todo.append(kid)
    return found


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_descendants(active: bool, seconds: float = 5.0) -> None:
    """Kill and reap every descendant of this process (outside namespaces; `active`: nothing to do)."""
    if active or not LINUX or not os.path.isdir("/proc/self"):
        _reap()
        return
    me = os.getpid()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        _reap()
        tree = descendants(me)
        if not tree:
            return
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        # killed children become zombies, their children are handed to us: wait for either
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            pass
