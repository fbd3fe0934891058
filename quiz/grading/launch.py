"""The worker program as the rabbit process starts it: its command line (which names nothing of
rabbit's), the spec it reads on stdin (paths, settings, the files to hide), its environment,
and the version that names the learner's warm worker's socket.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from quiz import home
from quiz.grading import limits
from quiz.grading.frames import frame

_HERE = Path(__file__).parent
HARNESS_PATH = _HERE / "harness.py"  # sent as a path; the worker reads it before entering its new root
WORKER_PATH = _HERE / "worker.py"  # sent as source on the command line: it runs as __main__
# the modules the worker program loads by path, dependencies first (sent in its spec)
MODULES = ("libc", "frames", "limits", "collect", "seccomp", "reaper", "newroot", "namespaces", "observe",
           "supervisor", "acceptor")
ISOLATION_ENV = "RABBIT_ISOLATION"  # "off" runs boxes with resource limits only


def isolation_wanted() -> bool:
    return os.environ.get(ISOLATION_ENV, "auto").strip().lower() not in ("0", "off", "no", "false")


def hidden() -> list[str]:
    """rabbit's own files: not in the box's root at all, and covered if a bound directory holds them."""
    from quiz import resources

    package = _HERE.parent.resolve()  # the quiz package
    paths = [package, resources.solutions_dir(), package / "_data", package.parent / "solutions",
             package.parent / ".git", home.rabbit_home()]
    out = []
    for p in paths:
        s = str(Path(p).expanduser().absolute())
        if s not in out:
            out.append(s)
    return out


def worker_spec(**extra) -> dict:
    spec = {
        "mode": "auto" if isolation_wanted() else "off",
        "home": str(home.rabbit_home().expanduser().absolute()),
        "hide": hidden(),
        "harness": str(HARNESS_PATH),
        "modules": [[name, str(_HERE / f"{name}.py")] for name in MODULES],
    }
    spec.update(extra)
    return spec


def command(mode: str) -> list[str]:
    """The worker's command line: no path or setting of rabbit's (its boxes could read it), which
    go on its stdin instead, as the first frame (see spec_frame)."""
    return [sys.executable, "-I", "-c", worker_source(), mode]


def spec_frame(spec: dict, socket_path: str | None = None) -> bytes:
    return frame({"spec": spec, "socket": socket_path}, b"")


def send_spec(proc, spec: dict, socket_path: str | None = None) -> None:
    try:
        proc.stdin.write(spec_frame(spec, socket_path))
        proc.stdin.close()
    except OSError:
        pass  # the worker is gone already: the caller sees it answer nothing


@cache
def worker_source() -> str:
    return WORKER_PATH.read_text(encoding="utf-8")


def worker_env() -> dict[str, str]:
    import tempfile

    return limits.clean_env(tempfile.gettempdir())


def version() -> str:
    import hashlib

    # python and python3 of one venv share a worker: its prefix and the real interpreter name it
    interpreter = sys.prefix + os.pathsep + os.path.realpath(sys.executable)
    h = hashlib.sha256(_code() + interpreter.encode() + (b"auto" if isolation_wanted() else b"off"))
    return h.hexdigest()[:12]


@cache
def _code() -> bytes:
    """Everything the worker program runs (harness, worker, its modules): any change, a new worker."""
    return HARNESS_PATH.read_bytes() + worker_source().encode() + b"".join(
        (_HERE / f"{name}.py").read_bytes() for name in MODULES)
