"""Linux namespaces for the worker and for each box, entered with plain libc calls.

The process tree, when namespaces are available:

    rabbit ── R (worker program; falls back to serving itself when X fails)
               └─ X (new user, mount, network, IPC, UTS and PID namespaces; a new root: newroot.py)
                   └─ W (PID 1 of the worker's PID namespace: numpy imported; it and the
                         │   acceptors A forked from it accept connections and read nothing)
                         └─ S (one per connection, forked by A before a byte is read)
                             └─ G (the box, forked by S before S reads the request: PID 1 of a
                                   PID namespace of its own, with its own mount, IPC and network
                                   namespaces, a small tmpfs for its working directory, a fresh
                                   read-only /proc, no capabilities, a seccomp filter)

There is no network at all. When G exits, the kernel kills everything it started; G cannot see,
let alone signal, W or rabbit. Standard library only: loaded by path in the worker program (see
worker.py).
"""

from __future__ import annotations

import errno
import os
import signal
import sys

if __package__:  # imported in the rabbit process
    from quiz.grading import libc, newroot
else:  # loaded by path in the worker program, which never imports quiz (see worker.py)
    libc, newroot = sys.modules["rabbit_libc"], sys.modules["rabbit_newroot"]

PID_CAP = 301  # the smallest pid_max the kernel accepts: about 300 processes per box
BOX_TMP_BYTES = 16 * 1024**2


class Status:
    """What the worker runs under; `detail` is shown by `rabbit doctor` and sent with every result."""

    def __init__(self, active: bool, detail: str, pidns_fd: int = -1, ready_fd: int = -1):
        self.active = active
        self.detail = detail
        self.pidns_fd = pidns_fd
        self.ready_fd = ready_fd


# -- entering the worker's namespaces (R → X → W) ------------------------------------------------
def enter(spec: dict) -> Status:
    """Move the worker into its namespaces. Returns in W (active), or in R with the reason it could not."""
    if spec.get("mode") == "off":
        return Status(False, "turned off by RABBIT_ISOLATION=off")
    if not libc.LINUX:
        return Status(False, f"namespaces are Linux only (this is {sys.platform})")
    ready_r, ready_w = os.pipe()
    parent = os.getpid()
    x = os.fork()
    if x == 0:  # X
        os.close(ready_r)
        try:
            libc.die_with_parent(parent)
            _enter_namespaces(spec)
            w = os.fork()
        except BaseException as e:  # noqa: BLE001 - report anything, then leave
            _say(ready_w, "ERR " + _reason(e))
            os._exit(1)
        if w == 0:  # W: PID 1 of the worker's PID namespace
            libc.prctl(libc.PR_SET_PDEATHSIG, signal.SIGKILL)  # X is outside this namespace: getppid() says 0
            try:  # kept to come back to after each box's own PID namespace
                pidns_fd = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
            except OSError as e:
                _say(ready_w, "ERR " + _reason(e))
                os._exit(1)
            return Status(True, "namespaces", pidns_fd, ready_w)
        os.close(ready_w)
        _relay(w)
    os.close(ready_w)
    message = _read_all(ready_r)
    os.close(ready_r)
    if message.startswith(b"OK"):
        _relay(x)  # R stays as long as the worker does
    try:
        os.waitpid(x, 0)
    except ChildProcessError:
        pass
    if message.startswith(b"ERR "):
        reason = message[4:].decode(errors="replace")
    else:
        reason = "the worker stopped inside its namespaces before it was ready"
    return Status(False, reason)


def ready(status: Status) -> None:
    """W has imported numpy and can serve: R becomes a relay (and reports isolation as active)."""
    if status.ready_fd >= 0:
        _say(status.ready_fd, "OK")
        status.ready_fd = -1


def _say(fd: int, text: str) -> None:
    try:
        os.write(fd, text.encode()[:4000])
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except InterruptedError:
            continue
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reason(e: BaseException) -> str:
    if isinstance(e, OSError):
        name = errno.errorcode.get(e.errno or 0, "")
        where = f" ({e.filename})" if e.filename else ""
        return f"{e.strerror}{where}" + (f" [{name}]" if name else "")
    return f"{type(e).__name__}: {e}"


def _relay(pid: int) -> None:
    """Wait for `pid` and end the same way it did (exit code or signal). Never returns."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(1)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
        except (OSError, ValueError):
            pass
        os._exit(128 + sig)
    os._exit(os.waitstatus_to_exitcode(status))


def _enter_namespaces(spec: dict) -> None:
    uid, gid = os.geteuid(), os.getegid()
    flags = (libc.CLONE_NEWUSER | libc.CLONE_NEWNS | libc.CLONE_NEWNET | libc.CLONE_NEWPID | libc.CLONE_NEWIPC
             | libc.CLONE_NEWUTS)
    libc.check(libc.lib().unshare(flags), "unshare(user, mount, network, IPC, UTS, PID namespaces)")
    try:
        libc.write("/proc/self/setgroups", "deny")
    except FileNotFoundError:
        pass
    libc.write("/proc/self/uid_map", f"0 {uid} 1")
    libc.write("/proc/self/gid_map", f"0 {gid} 1")
    try:  # a box gains nothing from a user namespace of its own; allow none below this one
        libc.write("/proc/sys/user/max_user_namespaces", "0")
    except OSError:
        pass
    libc.mount(None, "/", None, libc.MS_REC | libc.MS_PRIVATE)
    newroot.build(spec)


# -- one box per submission (in W) ---------------------------------------------------------------
def fork_box(status: Status) -> int:
    """fork() with the child as PID 1 of a new PID namespace (when active)."""
    if not status.active:
        return os.fork()
    libc.check(libc.lib().unshare(libc.CLONE_NEWPID), "unshare(PID namespace)")
    pid = -1
    try:
        pid = os.fork()
    finally:
        if pid != 0:  # the worker: later children go back into the worker's own namespace
            libc.check(libc.lib().setns(status.pidns_fd, libc.CLONE_NEWPID), "setns(PID namespace)")
    return pid


def enter_box(status: Status, workdir: str) -> None:
    """In the box (G): a small tmpfs of its own holding the working directory, its own /proc, a process cap."""
    if not status.active:
        os.chdir(workdir)
        return
    # mount, IPC and network namespaces of its own: boxes graded side by side cannot talk either
    libc.check(libc.lib().unshare(libc.CLONE_NEWNS | libc.CLONE_NEWIPC | libc.CLONE_NEWNET), "unshare(mount, IPC and network namespaces)")
    libc.mount("tmpfs", newroot.BOX_DIR, "tmpfs", libc.MS_NOSUID | libc.MS_NODEV, f"mode=0700,size={BOX_TMP_BYTES},nr_inodes=4096")
    os.mkdir(workdir, 0o700)
    os.chdir(workdir)
    libc.mount("proc", "/proc", "proc", libc.MS_NOSUID | libc.MS_NODEV | libc.MS_NOEXEC)
    try:  # Linux >= 6.14: pid_max per PID namespace, a process cap that holds for root too
        libc.write("/proc/sys/kernel/pid_max", str(PID_CAP))
    except OSError:
        pass
    libc.mount(None, "/proc", None, libc.MS_REMOUNT | libc.MS_BIND | libc.MS_RDONLY | libc.MS_NOSUID | libc.MS_NODEV | libc.MS_NOEXEC)


def drop_privileges(strict: bool) -> None:
    """No capabilities now or after any exec, no setuid gains. `strict`: fail rather than half-do it."""
    if not libc.LINUX:
        return
    import ctypes

    lib = libc.lib()

    def check(ret: int, what: str) -> None:
        if strict:
            libc.check(ret, what)

    check(libc.prctl(libc.PR_SET_SECUREBITS, libc.SECUREBITS), "securebits")
    for cap in range(64):
        if libc.prctl(libc.PR_CAPBSET_DROP, cap) != 0:
            if ctypes.get_errno() == errno.EINVAL:  # past the last capability this kernel knows
                break
            check(-1, f"drop capability {cap}")
    libc.prctl(libc.PR_CAP_AMBIENT, libc.PR_CAP_AMBIENT_CLEAR_ALL)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3: all sets empty
    check(lib.capset(ctypes.byref(header), data), "capset")
    libc.check(libc.prctl(libc.PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")



def describe(status: Status) -> str:
    """What a box runs under, as sent with every result."""
    return "namespaces" if status.active else f"rlimits: {status.detail}"
