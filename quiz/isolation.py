"""Isolation beyond resource limits: Linux namespaces, set up with plain libc calls.

Standard library only: this source also runs inside the worker program (`python -I -c
<worker source>`), which loads it by path. The rabbit process itself only calls
make_non_dumpable().

The process tree, when namespaces are available:

    rabbit ── R (worker program; falls back to serving itself when X fails)
               └─ X (new user, mount, network, IPC, UTS and PID namespaces; a new root)
                   └─ W (PID 1 of the worker's PID namespace: numpy imported; it and the
                         │   acceptors A forked from it accept connections and read nothing)
                         └─ S (one per connection, forked by A before a byte is read)
                             └─ G (the box, forked by S before S reads the request: PID 1 of a
                                   PID namespace of its own, with its own mount, IPC and network
                                   namespaces, a small tmpfs for its working directory, a fresh
                                   read-only /proc, no capabilities, a seccomp filter)

The new root holds only what Python and numpy need, read-only: the system directories, a few
files of /etc, the interpreter and its site-packages, a minimal /dev. The rabbit home, the
reference engine, the learner's and the instructor's files are not there at all, and anything
of rabbit's that happens to sit inside a bound directory is covered by an empty tmpfs. There is
no network at all. When G exits, the kernel kills everything it started; G cannot see, let
alone signal, W or rabbit.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND = 32, 1024, 2048, 4096
MS_REC, MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 16384, 1 << 18, 1 << 21, 1 << 24
MNT_DETACH = 2

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 28, 38, 47, 4
# NOROOT, NO_SETUID_FIXUP and NO_CAP_AMBIENT_RAISE, each locked; KEEP_CAPS off and locked
SECUREBITS = 0b11101111

PID_CAP = 301  # the smallest pid_max the kernel accepts: about 300 processes per box
BOX_DIR = "/.box"  # where each box mounts its own small tmpfs (/tmp may hold bound directories)
BOX_TMP_BYTES = 16 * 1024**2

_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217, "i686": 217, "armv7l": 218}
_DEVICES = ("null", "zero", "full", "random", "urandom")
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group", "nsswitch.conf",
        "alternatives", "os-release")
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")

_libc = None
LINUX = sys.platform.startswith("linux")


class Status:
    """What the worker runs under; `detail` is shown by `rabbit doctor` and sent with every result."""

    def __init__(self, active: bool, detail: str, pidns_fd: int = -1, ready_fd: int = -1):
        self.active = active
        self.detail = detail
        self.pidns_fd = pidns_fd
        self.ready_fd = ready_fd


# -- libc -------------------------------------------------------------------------------------
def _c():
    global _libc
    if _libc is None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
        libc.unshare.argtypes = [ctypes.c_int]
        libc.setns.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        libc.syscall.restype = ctypes.c_long
        _libc = libc  # Linux only: callers check LINUX first
    return _libc


def _ok(ret: int, what: str) -> None:
    if ret != 0:
        import ctypes

        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def _b(path) -> bytes | None:
    return None if path is None else os.fsencode(path)


def _mount(source, target, fstype, flags: int, data=None) -> None:
    _ok(_c().mount(_b(source), _b(target), _b(fstype), flags, _b(data)), f"mount {target}")


def _prctl(option: int, arg: int = 0) -> int:
    return _c().prctl(option, arg, 0, 0, 0)


def make_non_dumpable() -> None:
    """No core dumps, no ptrace and no /proc/PID/{mem,root,fd} for processes of the same user."""
    if LINUX:
        _prctl(PR_SET_DUMPABLE, 0)


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent exits (the process itself may undo it: a backstop only).

    `parent`: the pid the parent had; 0 when it is in another PID namespace (no check then).
    """
    if not LINUX:
        return
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent and os.getppid() != parent:
        os._exit(1)


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


# -- entering the worker's namespaces (R → X → W) ------------------------------------------------
def enter(spec: dict) -> Status:
    """Move the worker into its namespaces. Returns in W (active), or in R with the reason it could not."""
    if spec.get("mode") == "off":
        return Status(False, "turned off by RABBIT_ISOLATION=off")
    if not LINUX:
        return Status(False, f"namespaces are Linux only (this is {sys.platform})")
    ready_r, ready_w = os.pipe()
    parent = os.getpid()
    x = os.fork()
    if x == 0:  # X
        os.close(ready_r)
        try:
            die_with_parent(parent)
            _enter_namespaces(spec)
            w = os.fork()
        except BaseException as e:  # noqa: BLE001 - report anything, then leave
            _say(ready_w, "ERR " + _describe(e))
            os._exit(1)
        if w == 0:  # W: PID 1 of the worker's PID namespace
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # X is outside this namespace: getppid() says 0
            try:  # kept to come back to after each box's own PID namespace
                pidns_fd = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
            except OSError as e:
                _say(ready_w, "ERR " + _describe(e))
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


def _describe(e: BaseException) -> str:
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
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    _ok(_c().unshare(flags), "unshare(user, mount, network, IPC, UTS, PID namespaces)")
    try:
        _write("/proc/self/setgroups", "deny")
    except FileNotFoundError:
        pass
    _write("/proc/self/uid_map", f"0 {uid} 1")
    _write("/proc/self/gid_map", f"0 {gid} 1")
    try:  # a box gains nothing from a user namespace of its own; allow none below this one
        _write("/proc/sys/user/max_user_namespaces", "0")
    except OSError:
        pass
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _new_root(spec)


def _sources(spec: dict) -> list[str]:
    """The host paths the new root shows (read-only): the system, the interpreter, numpy."""
    import importlib.util
    import sysconfig

    wanted = [p for p in _SYSTEM if os.path.lexists(p)] + [os.path.join("/etc", n) for n in _ETC]
    paths = sysconfig.get_paths()
    wanted += [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
               os.path.dirname(os.path.realpath(sys.executable))]
    wanted += [paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths]
    found = importlib.util.find_spec("numpy")
    if found is not None and found.origin:
        wanted.append(os.path.dirname(os.path.dirname(found.origin)))
    out: list[str] = []
    for p in wanted:
        if not os.path.lexists(p):
            continue
        if not os.path.islink(p):
            p = os.path.realpath(p)
        if p == "/" or p in out:
            continue
        out.append(p)
    # drop a directory already inside another one (bind the outermost once)
    return [p for p in out if not any(q != p and p.startswith(q.rstrip("/") + "/") and not os.path.islink(q)
                                      for q in out)]


_ST_TO_MS = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
             (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME), (os.ST_RELATIME, MS_RELATIME))


def _kept_flags(path: str) -> int:
    """The mount flags a read-only remount must keep (a user namespace may not clear them)."""
    f = os.statvfs(path).f_flag
    kept = sum(ms for st, ms in _ST_TO_MS if f & st)
    if not f & (os.ST_NOATIME | os.ST_RELATIME):
        kept |= MS_STRICTATIME  # otherwise a remount would quietly switch it to relatime
    return kept


def _new_root(spec: dict) -> None:
    # everything is resolved and opened first: the new root's tmpfs may cover some of these paths
    plan = []
    for src in _sources(spec):
        if os.path.islink(src):
            plan.append((src, os.readlink(src), -1, 0))
        else:
            plan.append((src, None, os.open(src, os.O_PATH | os.O_CLOEXEC), _kept_flags(src)))
    devices = [(p, os.open(p, os.O_PATH | os.O_CLOEXEC), _kept_flags(p))
               for p in ("/dev/" + n for n in _DEVICES) if os.path.exists(p)]
    kernel = [(p, os.open(p, os.O_PATH | os.O_CLOEXEC), _kept_flags(p)) for p in ("/proc",) if os.path.isdir(p)]
    hidden = [os.path.realpath(p) for p in spec.get("hide", [])]
    null = next((fd for p, fd, _ in devices if p == "/dev/null"), -1)
    root = "/tmp" if os.path.isdir("/tmp") else "/mnt"
    try:
        _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")

        def bind(fd: int, target: str, is_dir: bool, flags: int) -> None:
            if is_dir:
                os.makedirs(target, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644))
            # recursive: a user namespace may not bind a mount apart from its locked submounts
            _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)

        for src, link, fd, kept in plan:
            if link is not None:
                os.makedirs(os.path.dirname(root + src), exist_ok=True)
                os.symlink(link, root + src)
            else:
                bind(fd, root + src, os.path.isdir(f"/proc/self/fd/{fd}"), kept | MS_NOSUID)
        os.makedirs(root + "/dev")
        _mount("tmpfs", root + "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k")
        for path, fd, kept in devices:
            bind(fd, root + path, False, kept | MS_NOSUID | MS_NOEXEC)
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
            os.symlink(target, f"{root}/dev/{name}")
        # the host's /proc stays (read-only, covered in every box): a box may only mount a
        # fresh /proc where a full one is already visible
        for path, fd, kept in kernel:
            bind(fd, root + path, True, kept | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        os.makedirs(root + "/tmp", exist_ok=True)
        os.makedirs(root + BOX_DIR, exist_ok=True)
        for path in hidden:  # rabbit's own files inside a bound directory (an installed copy)
            target = root + path
            if os.path.isdir(target):
                _mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k")
            elif os.path.lexists(target):
                _mount(f"/proc/self/fd/{null}", target, None, MS_BIND)
        _read_only_below(root)
    finally:
        for fd in [fd for _, _, fd, _ in plan] + [fd for _, fd, _ in devices + kernel]:
            if fd >= 0:
                os.close(fd)
    os.chdir(root)
    _pivot_root()
    _ok(_c().umount2(b".", MNT_DETACH), "umount the old root")
    os.chdir("/")


def _mount_points() -> list[str]:
    points = []
    with open("/proc/self/mountinfo", "rb") as f:
        for line in f:
            raw = line.split(b" ")[4]
            points.append(_unescape(raw).decode("utf-8", "surrogateescape"))
    return points


def _unescape(raw: bytes) -> bytes:
    """mountinfo writes space, tab, newline and backslash as a backslash and three octal digits."""
    import re

    return re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw)


def _read_only_below(root: str) -> None:
    """Every mount of the new root read-only, keeping the flags a user namespace may not clear."""
    for point in _mount_points():
        if point == root or point.startswith(root + "/"):
            kept = _kept_flags(point)
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | kept)


def _pivot_root() -> None:
    libc = _c()
    if hasattr(libc, "pivot_root"):
        _ok(libc.pivot_root(b".", b"."), "pivot_root")
        return
    import platform

    number = _PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(errno.ENOSYS, f"pivot_root: unknown system call number on {platform.machine()}")
    _ok(libc.syscall(number, b".", b"."), "pivot_root")


# -- one box per submission (in W) ---------------------------------------------------------------
def fork_box(status: Status) -> int:
    """fork() with the child as PID 1 of a new PID namespace (when active)."""
    if not status.active:
        return os.fork()
    _ok(_c().unshare(CLONE_NEWPID), "unshare(PID namespace)")
    pid = -1
    try:
        pid = os.fork()
    finally:
        if pid != 0:  # the worker: later children go back into the worker's own namespace
            _ok(_c().setns(status.pidns_fd, CLONE_NEWPID), "setns(PID namespace)")
    return pid


def enter_box(status: Status, workdir: str) -> None:
    """In the box (G): a small tmpfs of its own holding the working directory, its own /proc, a process cap."""
    if not status.active:
        os.chdir(workdir)
        return
    # mount, IPC and network namespaces of its own: boxes graded side by side cannot talk either
    _ok(_c().unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET), "unshare(mount, IPC and network namespaces)")
    _mount("tmpfs", BOX_DIR, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0700,size={BOX_TMP_BYTES},nr_inodes=4096")
    os.mkdir(workdir, 0o700)
    os.chdir(workdir)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    try:  # Linux >= 6.14: pid_max per PID namespace, a process cap that holds for root too
        _write("/proc/sys/kernel/pid_max", str(PID_CAP))
    except OSError:
        pass
    _mount(None, "/proc", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)


def drop_privileges(strict: bool) -> None:
    """No capabilities now or after any exec, no setuid gains. `strict`: fail rather than half-do it."""
    if not LINUX:
        return
    import ctypes

    libc = _c()

    def check(ret: int, what: str) -> None:
        if strict:
            _ok(ret, what)

    check(_prctl(PR_SET_SECUREBITS, SECUREBITS), "securebits")
    for cap in range(64):
        if _prctl(PR_CAPBSET_DROP, cap) != 0:
            if ctypes.get_errno() == errno.EINVAL:  # past the last capability this kernel knows
                break
            check(-1, f"drop capability {cap}")
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3: all sets empty
    check(libc.capset(ctypes.byref(header), data), "capset")
    _ok(_prctl(PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")


# -- what a box sees (rabbit doctor, tests) --------------------------------------------------------
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
    if LINUX:
        import ctypes
        import platform

        number = {"x86_64": 250, "aarch64": 219}.get(platform.machine())
        if number is not None:
            libc = _c()
            ret = libc.syscall(number, ctypes.c_long(0), ctypes.c_long(-4), ctypes.c_long(0))  # KEYCTL_GET_KEYRING_ID
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
