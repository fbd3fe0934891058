"""What a box may use (Limits), what came back from it (BoxRun), its clean environment and the
resource limits it runs under.

Standard library only: loaded by path in the worker program (see worker.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 6.0
    cpu_seconds: int = 4
    address_space: int = 2 * 1024**3  # numpy alone maps a few hundred MB
    file_size: int = 1024**2
    open_files: int = 64
    processes: int = 64
    output_bytes: int = 64 * 1024  # learner's prints kept for feedback
    output_flood: int = 4 * 1024**2  # printing more than this ends the run
    result_bytes: int = 32 * 1024**2


@dataclass
class BoxRun:
    result: bytes | None  # the result frame the harness wrote, or None
    output: str  # what the learner printed (truncated)
    returncode: int | None
    timed_out: bool
    result_too_large: bool
    output_flood: bool
    signal_name: str | None
    seconds: float
    isolation: str = ""  # "namespaces", or "rlimits: <why not>"
    error: str = ""  # the box itself could not be set up (not the learner's doing)


_PASS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "SYSTEMROOT")


def clean_env(workdir: str) -> dict[str, str]:
    env = {
        "PATH": os.defpath,
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in _PASS_ENV:  # some CPUs need these for OpenBLAS to compute correctly
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def limiter(limits: Limits):
    def apply() -> None:
        import resource

        def cap(what: int, value: int) -> None:
            soft, hard = resource.getrlimit(what)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            try:
                resource.setrlimit(what, (value, value))
            except (ValueError, OSError):
                pass

        cap(resource.RLIMIT_CPU, limits.cpu_seconds)
        cap(resource.RLIMIT_AS, limits.address_space)
        cap(resource.RLIMIT_FSIZE, limits.file_size)
        cap(resource.RLIMIT_NOFILE, limits.open_files)
        cap(resource.RLIMIT_CORE, 0)
        if hasattr(resource, "RLIMIT_NPROC"):
            cap(resource.RLIMIT_NPROC, limits.processes)

    return apply
