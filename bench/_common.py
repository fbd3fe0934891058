"""Shared helpers for the benchmarks: run commands interleaved, report medians and ratios."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def rabbit_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "rabbit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "quiz"]


class Until:
    """A command timed until `marker` first appears on its output (stdout and stderr), e.g. the
    prompt under a quiz's first card; then `answer` is fed to it and it is left to finish untimed."""

    def __init__(self, cmd: list[str], marker: bytes, answer: bytes = b"", deadline: float = 60.0):
        self.cmd, self.marker, self.answer, self.deadline = cmd, marker, answer, deadline


def _until(u: Until, env: dict | None, cwd: str | None) -> float:
    import select

    start = time.perf_counter()
    p = subprocess.Popen(u.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    seen = b""
    while u.marker not in seen and time.perf_counter() - start < u.deadline:
        ready, _, _ = select.select([p.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
    took = time.perf_counter() - start
    if u.marker not in seen:
        p.kill()
        p.wait()
        raise RuntimeError(f"{u.cmd}: {u.marker!r} never appeared; it said: {seen[-500:]!r}")
    p.communicate(u.answer)
    return took


def timed(cmd, env: dict | None = None, cwd: str | None = None) -> float:
    """Seconds the command takes (a list), or until its marker appears (an Until)."""
    if isinstance(cmd, Until):
        return _until(cmd, env, cwd)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    return time.perf_counter() - start


def side_by_side(commands: dict[str, list[str]], runs: int, env: dict | None = None, cwd: str | None = None) -> dict[str, float]:
    """Median seconds per command, the commands interleaved run by run so load hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for name, cmd in commands.items():  # warm-up: file cache, .pyc files
        timed(cmd, env, cwd)
    for _ in range(runs):
        for name, cmd in commands.items():
            samples[name].append(timed(cmd, env, cwd))
    return {name: statistics.median(s) for name, s in samples.items()}


def report(title: str, medians: dict[str, float], baseline: str, targets: dict[str, tuple[str, float]]) -> bool:
    """Print medians and ratios; targets: name -> ('<=', ratio). Returns True when all are met."""
    print(f"\n{title}")
    ok = True
    base = medians[baseline]
    for name, secs in medians.items():
        ratio = secs / base
        line = f"  {name:<40} median {secs * 1000:8.1f} ms   ratio {ratio:6.2f}x of {baseline}"
        if name in targets:
            op, limit = targets[name]
            met = ratio <= limit if op == "<=" else ratio >= limit
            ok &= met
            line += f"   target {op} {limit:g}x: {'met' if met else 'NOT MET'}"
        print(line)
    return ok


def clean_env(home: str) -> dict:
    env = dict(os.environ)
    env["RABBIT_HOME"] = home
    return env
