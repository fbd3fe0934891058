"""The worker's new root: only what Python and numpy need, read-only, then pivot_root into it.

The new root holds the system directories, a few files of /etc, the interpreter and its
site-packages, a minimal /dev. The rabbit home, the reference engine, the learner's and the
instructor's files are not there at all, and anything of rabbit's that happens to sit inside a
bound directory (`spec["hide"]`) is covered by an empty tmpfs. Standard library only: loaded by
path in the worker program (see worker.py).
"""

from __future__ import annotations

import errno
import os
import sys

if __package__:  # imported in the rabbit process
    from quiz.grading import libc
else:  # loaded by path in the worker program, which never imports quiz (see worker.py)
    libc = sys.modules["rabbit_libc"]

BOX_DIR = "/.box"  # where each box mounts its own small tmpfs (/tmp may hold bound directories)
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217, "i686": 217, "armv7l": 218}
_DEVICES = ("null", "zero", "full", "random", "urandom")
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group", "nsswitch.conf",
        "alternatives", "os-release")
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


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


_ST_TO_MS = ((os.ST_NOSUID, libc.MS_NOSUID), (os.ST_NODEV, libc.MS_NODEV), (os.ST_NOEXEC, libc.MS_NOEXEC),
             (os.ST_NOATIME, libc.MS_NOATIME), (os.ST_NODIRATIME, libc.MS_NODIRATIME), (os.ST_RELATIME, libc.MS_RELATIME))


def _kept_flags(path: str) -> int:
    """The mount flags a read-only remount must keep (a user namespace may not clear them)."""
    f = os.statvfs(path).f_flag
    kept = sum(ms for st, ms in _ST_TO_MS if f & st)
    if not f & (os.ST_NOATIME | os.ST_RELATIME):
        kept |= libc.MS_STRICTATIME  # otherwise a remount would quietly switch it to relatime
    return kept


def build(spec: dict) -> None:
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
        libc.mount("tmpfs", root, "tmpfs", libc.MS_NOSUID | libc.MS_NODEV, "mode=0755,size=1m")

        def bind(fd: int, target: str, is_dir: bool, flags: int) -> None:
            if is_dir:
                os.makedirs(target, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC, 0o644))
            # recursive: a user namespace may not bind a mount apart from its locked submounts
            libc.mount(f"/proc/self/fd/{fd}", target, None, libc.MS_BIND | libc.MS_REC)

        for src, link, fd, kept in plan:
            if link is not None:
                os.makedirs(os.path.dirname(root + src), exist_ok=True)
                os.symlink(link, root + src)
            else:
                bind(fd, root + src, os.path.isdir(f"/proc/self/fd/{fd}"), kept | libc.MS_NOSUID)
        os.makedirs(root + "/dev")
        libc.mount("tmpfs", root + "/dev", "tmpfs", libc.MS_NOSUID | libc.MS_NOEXEC, "mode=0755,size=64k")
        for path, fd, kept in devices:
            bind(fd, root + path, False, kept | libc.MS_NOSUID | libc.MS_NOEXEC)
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
            os.symlink(target, f"{root}/dev/{name}")
        # the host's /proc stays (read-only, covered in every box): a box may only mount a
        # fresh /proc where a full one is already visible
        for path, fd, kept in kernel:
            bind(fd, root + path, True, kept | libc.MS_NOSUID | libc.MS_NODEV | libc.MS_NOEXEC)
        os.makedirs(root + "/tmp", exist_ok=True)
        os.makedirs(root + BOX_DIR, exist_ok=True)
        for path in hidden:  # rabbit's own files inside a bound directory (an installed copy)
            target = root + path
            if os.path.isdir(target):
                libc.mount("tmpfs", target, "tmpfs", libc.MS_RDONLY | libc.MS_NOSUID | libc.MS_NODEV | libc.MS_NOEXEC, "mode=0555,size=4k")
            elif os.path.lexists(target):
                libc.mount(f"/proc/self/fd/{null}", target, None, libc.MS_BIND)
        _read_only_below(root)
    finally:
        for fd in [fd for _, _, fd, _ in plan] + [fd for _, fd, _ in devices + kernel]:
            if fd >= 0:
                os.close(fd)
    os.chdir(root)
    _pivot_root()
    libc.check(libc.lib().umount2(b".", libc.MNT_DETACH), "umount the old root")
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
            libc.mount(None, point, None, libc.MS_REMOUNT | libc.MS_BIND | libc.MS_RDONLY | libc.MS_NOSUID | kept)


def _pivot_root() -> None:
    lib = libc.lib()
    if hasattr(lib, "pivot_root"):
        libc.check(lib.pivot_root(b".", b"."), "pivot_root")
        return
    import platform

    number = _PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(errno.ENOSYS, f"pivot_root: unknown system call number on {platform.machine()}")
    libc.check(lib.syscall(number, b".", b"."), "pivot_root")

