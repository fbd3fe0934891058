"""Seal a box off from kernel objects that namespaces do not separate: a seccomp filter.

Standard library only: this source also runs inside the worker program, which loads it by path.

Namespaces give each box its own mounts, IPC objects, network (abstract sockets included) and
PIDs, but some kernel objects are keyed by inode or by user, and every box sees the same bound
host files and runs as the same user. So, in the box (G), just before the learner's code:

- a fresh, empty session keyring (KEYCTL_JOIN_SESSION_KEYRING), and then no keyring calls at
  all (keyctl, add_key, request_key): the user keyring is shared by every box of one user;
- no record locks, OFD locks, leases or flock(): two boxes (or a box and any host process)
  locking one bound file, say /etc/os-release, could read each other's lock offsets;
- no SysV IPC or POSIX message queues, no io_uring (which this filter could not see into), no
  pidfds, no process_vm_* calls;
- no child processes, only threads (unless a cgroup caps the box's memory as a whole): with one
  process, the per-process address-space limit is the box's whole memory budget;
- without namespaces, no AF_UNIX sockets either (abstract ones would reach other boxes and the
  worker itself), and kill() and tgkill() reach only the box's own process group and itself
  (with namespaces, a box has a network and a PID namespace of its own).

Denied calls fail with EPERM (fork with EAGAIN, as at a process limit); threads still work. The filter cannot be
removed and is inherited by every process the box starts, across exec.
"""

from __future__ import annotations

import os
import platform
import struct
import sys

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
EPERM, EAGAIN, ENOSYS = 1, 11, 38
CLONE_THREAD = 0x00010000
KEYCTL_JOIN_SESSION_KEYRING = 1

# BPF instruction classes and modes
_LD_W_ABS = 0x20
_JEQ_K, _JSET_K, _JGE_K = 0x15, 0x45, 0x35
_RET_K = 0x06

# F_GETLK, F_SETLK, F_SETLKW, their OFD forms, F_SETLEASE and F_GETLEASE
_LOCK_COMMANDS = (5, 6, 7, 36, 37, 38, 1024, 1025)
AF_UNIX = 1

_ARCH = {  # AUDIT_ARCH_*, and the numbers of the calls involved
    "x86_64": (0xC000003E, {"flock": 73, "keyctl": 250, "add_key": 248, "request_key": 249, "msgget": 68,
                            "semget": 64, "shmget": 29, "mq_open": 240, "io_uring_setup": 425,
                            "pidfd_open": 434, "pidfd_send_signal": 424, "process_vm_writev": 311,
                            "process_vm_readv": 310, "fcntl": 72, "socket": 41, "socketpair": 53,
                            "kill": 62, "tgkill": 234, "tkill": 200, "clone": 56, "clone3": 435,
                            "fork": 57, "vfork": 58}),
    "aarch64": (0xC00000B7, {"flock": 32, "keyctl": 219, "add_key": 217, "request_key": 218, "msgget": 186,
                             "semget": 190, "shmget": 194, "mq_open": 180, "io_uring_setup": 425,
                             "pidfd_open": 434, "pidfd_send_signal": 424, "process_vm_writev": 271,
                             "process_vm_readv": 270, "fcntl": 25, "socket": 198, "socketpair": 199,
                             "kill": 129, "tgkill": 131, "tkill": 130, "clone": 220, "clone3": 435}),
}
_DENIED = ("flock", "keyctl", "add_key", "request_key", "msgget", "semget", "shmget", "mq_open",
           "io_uring_setup", "pidfd_open", "pidfd_send_signal", "process_vm_writev", "process_vm_readv", "tkill")


def supported() -> str:
    """'' when a box can be sealed here, else why not (shown by rabbit doctor)."""
    if not sys.platform.startswith("linux"):
        return f"seccomp is Linux only (this is {sys.platform})"
    if platform.machine() not in _ARCH:
        return f"no seccomp filter for {platform.machine()}"
    return ""


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k & 0xFFFFFFFF)


def program(pid: int, pgid: int, namespaced: bool, children: bool = False) -> bytes:
    """The filter for a box whose process is `pid` and whose process group is `pgid`.

    `children`: whether the box may start processes (only where something else caps the memory
    of all of them together); otherwise clone() makes threads only, and fork() fails with EAGAIN.
    """
    arch, nr = _ARCH[platform.machine()]
    deny, allow = _insn(_RET_K, SECCOMP_RET_ERRNO | EPERM), _insn(_RET_K, SECCOMP_RET_ALLOW)
    arg0, arg1 = 16, 24  # seccomp_data: nr, arch, ip, then args (low 32 bits first, little-endian)

    def only_if(call: str, body: list[bytes]) -> list[bytes]:
        """body runs for `call`; it ends with a return."""
        return [_insn(_JEQ_K, nr[call], 0, len(body))] + body

    def reject(values, offset: int, otherwise: bytes) -> list[bytes]:
        out = [_insn(_LD_W_ABS, offset)]
        for v in values:
            out += [_insn(_JEQ_K, v, 0, 1), deny]
        return out + [otherwise]

    def accept(values, offset: int) -> list[bytes]:
        out = [_insn(_LD_W_ABS, offset)]
        for v in values:
            out += [_insn(_JEQ_K, v, 0, 1), allow]
        return out + [deny]

    prog = [_insn(_LD_W_ABS, 4), _insn(_JEQ_K, arch, 1, 0), deny,  # another ABI (i386 on x86_64): nothing
            _insn(_LD_W_ABS, 0), _insn(_JGE_K, 0x40000000, 0, 1), deny]  # x32 calls: nothing
    for call in _DENIED:
        prog += [_insn(_JEQ_K, nr[call], 0, 1), deny]
    if not children:
        no_process = _insn(_RET_K, SECCOMP_RET_ERRNO | EAGAIN)
        for call in ("fork", "vfork"):
            if call in nr:
                prog += [_insn(_JEQ_K, nr[call], 0, 1), no_process]
        # clone3 passes its flags in memory, out of a filter's sight: ENOSYS, and libc falls back to clone
        prog += [_insn(_JEQ_K, nr["clone3"], 0, 1), _insn(_RET_K, SECCOMP_RET_ERRNO | ENOSYS)]
        prog += only_if("clone", [_insn(_LD_W_ABS, arg0), _insn(_JSET_K, CLONE_THREAD, 0, 1), allow, no_process])
        prog += [_insn(_LD_W_ABS, 0)]
    prog += only_if("fcntl", reject(_LOCK_COMMANDS, arg1, allow))
    prog += [_insn(_LD_W_ABS, 0)]
    if not namespaced:
        prog += only_if("socket", reject((AF_UNIX,), arg0, allow))
        prog += [_insn(_LD_W_ABS, 0)]
        prog += only_if("socketpair", reject((AF_UNIX,), arg0, allow))
        prog += [_insn(_LD_W_ABS, 0)]
    if not namespaced:  # (in a PID namespace of its own a box can signal nothing but itself anyway)
        # kill(pid, sig): itself, its own group (0 or -pgid); tgkill(tgid, ...): itself
        prog += only_if("kill", accept((pid, 0, -pgid), arg0))
        prog += [_insn(_LD_W_ABS, 0)]
        prog += only_if("tgkill", accept((pid,), arg0))
    return b"".join(prog + [allow])


def seal(namespaced: bool, children: bool = False) -> None:
    """In the box, after privileges are dropped (no_new_privs set): a fresh session keyring, then the filter."""
    if supported():
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    _, nr = _ARCH[platform.machine()]
    libc.syscall(nr["keyctl"], KEYCTL_JOIN_SESSION_KEYRING, None)  # best effort: keyctl is denied next
    code = program(os.getpid(), os.getpgrp(), namespaced, children)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    fprog = SockFprog(len(code) // 8, code)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"seccomp filter: {os.strerror(e)}")
