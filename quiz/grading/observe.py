"""What a box sees and may do, measured from inside it: run in the box instead of the harness by
the worker's `probe` mode, for `rabbit doctor` and the isolation tests.

Standard library only: loaded by path in the worker program (see worker.py).
"""

from __future__ import annotations

import errno
import json
import os
import sys

if __package__:  # imported in the rabbit process
    from quiz.grading import libc
else:  # loaded by path in the worker program, which never imports quiz (see worker.py)
    libc = sys.modules["rabbit_libc"]


def observe(spec: dict) -> dict:
    """Facts measured from inside a box: run in G instead of the harness by `probe`."""
    import socket

    facts: dict = {"pid": os.getpid(), "uid": os.getuid()}
    facts["root_writable"] = os.access("/", os.W_OK)  # false on a read-only mount, without writing
    facts["python_writable"] = os.access(sys.prefix, os.W_OK)  # could it plant code for later?
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", 9))
        facts["network"] = "connected"
    except OSError as e:
        facts["network"] = errno.errorcode.get(e.errno or 0, str(e))
    finally:
        s.close()
    facts["visible"] = [p for p in [spec.get("home")] + list(spec.get("hide", [])) if p and _shows(p)]
    try:
        with open("/proc/sys/kernel/pid_max") as f:
            facts["pid_max"] = int(f.read())
    except (OSError, ValueError):
        facts["pid_max"] = None
    try:
        with open("/proc/self/status") as f:
            facts["cap_eff"] = next((line.split()[1] for line in f if line.startswith("CapEff:")), None)
    except OSError:
        facts["cap_eff"] = None
    facts["processes_seen"] = len([p for p in os.listdir("/proc") if p.isdigit()]) if os.path.isdir("/proc") else None
    facts.update(_limits_seen())
    return facts


def _limits_seen() -> dict:
    """What the box may do, tried rather than assumed: start a process, lock a file, use a keyring."""
    import fcntl
    import resource
    import struct

    out: dict = {}
    soft, _ = resource.getrlimit(resource.RLIMIT_NPROC)
    out["rlimit_nproc"] = None if soft == resource.RLIM_INFINITY else soft
    out["rlimit_as"] = resource.getrlimit(resource.RLIMIT_AS)[0]
    try:
        pid = os.fork()
    except OSError as e:
        out["children"] = errno.errorcode.get(e.errno or 0, str(e))
    else:
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        out["children"] = "allowed"
    try:
        fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack("hhqqi4x", fcntl.F_RDLCK, 0, 0, 1, 0))
            out["locks"] = "allowed"
        finally:
            os.close(fd)
    except OSError as e:
        out["locks"] = errno.errorcode.get(e.errno or 0, str(e))
    if libc.LINUX:
        import ctypes
        import platform

        number = {"x86_64": 250, "aarch64": 219}.get(platform.machine())
        if number is not None:
            lib = libc.lib()
            ret = lib.syscall(number, ctypes.c_long(0), ctypes.c_long(-4), ctypes.c_long(0))  # KEYCTL_GET_KEYRING_ID
            out["keyring"] = "allowed" if ret >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    return out


def _shows(path: str) -> bool:
    """Whether anything of `path` can be read: an empty tmpfs or /dev/null over it shows nothing."""
    try:
        if os.path.isdir(path):
            return bool(os.listdir(path))
        return os.path.isfile(path)
    except OSError:
        return False


def observe_main(spec: dict, fd: int) -> None:
    os.write(fd, json.dumps(observe(spec)).encode())
