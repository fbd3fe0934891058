"""Boxes learn nothing from each other: not from memory they inherit, not through kernel objects
they share, and not from rabbit's own paths and settings (issue 9, classes 1, 2, 7 and 8).

Each test plants something in one box (a secret in its source, a lock, a key, a socket, a file)
and has another box, graded beside it or after it by the same worker, look for it.
"""

import fcntl
import os
import re
import struct
import sys
import textwrap
import threading
import time
import uuid

import pytest

from quiz import box, grading
from quiz.exercises import load_all

RIGHT = "input_gate * a + forget_gate * prev_c"
WRONG = "output_gate * a + forget_gate * prev_c"
ISOLATION = box.isolation_report()
NAMESPACES = bool(ISOLATION.get("active"))
needs_namespaces = pytest.mark.skipif(
    not NAMESPACES, reason=f"needs unprivileged user namespaces: {ISOLATION.get('detail') or ISOLATION.get('error')}")


def lstm():
    return load_all()["lstm"]


def source(answer, prelude=""):
    return textwrap.dedent(prelude) + "\n" + grading.fill(lstm(), answer)


def grade(src, worker=None, limits=box.Limits()):
    return grading.grade(lstm(), src, worker=worker, limits=limits)


def side_by_side(first, second, worker):
    """Grade two sources at once on `worker` (a private worker with two acceptors)."""
    results = {}
    threads = [threading.Thread(target=lambda k, s: results.__setitem__(k, grade(s, worker)), args=(k, s))
               for k, s in (("first", first), ("second", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results["first"], results["second"]


# -- class 1: a box inherits nothing of earlier submissions ---------------------------------------
MARK = "RBT" + "SECRET-"  # split, so that this file's own text is no match for the scan below

SCANNER = """
import re
def _scan():
    found = set()
    pattern = re.compile(rb"RBT" rb"SECRET-([0-9a-f]{32})")
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", buffering=0) as mem:
        for line in maps.read().splitlines():
            addresses, perms = line.split()[:2]
            if perms[0] != "r" or line.endswith(("[vvar]", "[vsyscall]", "[vvar_vclock]")):
                continue
            lo, hi = (int(x, 16) for x in addresses.split("-"))
            at = lo
            while at < hi:
                size = min(1 << 22, hi - at)
                try:
                    mem.seek(at)
                    chunk = mem.read(size + 64 if at + size < hi else size)
                except (OSError, ValueError, OverflowError):
                    break
                found.update(m.group(1).decode() for m in pattern.finditer(chunk))
                at += size
    print("FOUND", sorted(found))
_scan()
"""


def _secret_source():
    token = uuid.uuid4().hex
    return token, source(RIGHT, f"# {MARK}{token}\nKEPT = '{MARK}{token}'\n")


def _found(verdict):
    line = next((l for l in verdict.output.splitlines() if l.startswith("FOUND")), None)
    assert line is not None, f"the scan did not finish: {verdict.output!r} {verdict}"
    return set(re.findall(r"[0-9a-f]{32}", line))


def _no_secret_after(worker, rounds=3):
    token, planted = _secret_source()
    assert grade(planted, worker).passed
    for _ in range(rounds):
        verdict = grade(source(WRONG, SCANNER), worker, box.Limits(cpu_seconds=6, wall_seconds=10))
        assert not verdict.passed
        assert token not in _found(verdict), "a box read an earlier submission's source from its memory"


def test_the_warm_worker_s_next_box_holds_nothing_of_the_last_submission(warm_worker):
    _no_secret_after(warm_worker)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_grade_worker_s_next_box_holds_nothing_of_the_last_submission(jobs):
    with box.private_worker(jobs) as path:
        assert path is not None
        _no_secret_after(path, rounds=2 * jobs + 1)
