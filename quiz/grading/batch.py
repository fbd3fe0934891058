"""Batch grading for instructors: every submission file of a directory, each in its own box.

A private worker (numpy imported once, one acceptor per job) serves the batch and is stopped at
the end; it holds no reference values, seeds or database handles. Nothing here writes the
attempt log: the instructor's own record stays as it was.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from quiz.exercises import Exercise
from quiz.grading import box, casecache, freshcases, grader, safetext
from quiz.grading.verdict import Verdict

MAX_SOURCE = 1024**2


class SubmissionError(ValueError):
    """A file that cannot be graded at all; `code` says why (unreadable, not_text, too_big)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


@dataclass
class Row:
    file: str
    passed: bool
    cases_passed: int
    cases: int
    code: str  # "" when passed; a verdict reason, a case reason, or a SubmissionError code
    verdict: Verdict | None = None
    detail: str = ""
    seconds: float = 0.0


def submissions(directory: Path) -> list[Path]:
    """The *.py files directly in `directory`, by name (symlinks and other oddities are graded as errors)."""
    return sorted((p for p in directory.glob("*.py") if not p.is_dir()), key=lambda p: p.name)


def read_source(path: Path) -> str:
    """The file's text: a regular file (no symlink, no FIFO), at most 1 MiB, UTF-8 or Shift_JIS."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise SubmissionError("unreadable", e.strerror or str(e)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError("unreadable", "not a regular file")
        if info.st_size > MAX_SOURCE:
            raise SubmissionError("too_big", f"{info.st_size} bytes")
        raw = b""
        while len(raw) <= MAX_SOURCE:
            chunk = os.read(fd, MAX_SOURCE + 1 - len(raw))
            if not chunk:
                break
            raw += chunk
    finally:
        os.close(fd)
    if len(raw) > MAX_SOURCE:
        raise SubmissionError("too_big", f"more than {MAX_SOURCE} bytes")
    for encoding in ("utf-8-sig", "cp932"):  # editors on Windows in Japan still save Shift_JIS
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SubmissionError("not_text", "neither UTF-8 nor Shift_JIS")


_drawing = threading.Lock()  # the reference engine's module globals are set per case: one draw at a time


def _draw(ex: Exercise) -> casecache.Bundle:
    with _drawing:
        return freshcases.compute(ex, freshcases.new_seed())


def _row(ex: Exercise, path: Path, worker: str | None) -> Row:
    start = time.monotonic()
    cases = len(ex.grading["cases"]) + freshcases.fresh_count(ex)
    name = safetext.clean(path.name, multiline=False)  # a file name can hold escapes too

    def failed(code: str, detail: str) -> Row:
        return Row(name, False, 0, cases, code, detail=safetext.clean(detail, multiline=False),
                   seconds=time.monotonic() - start)

    try:
        source = read_source(path)
        # fresh cases of this file's own, drawn here in the parent (numpy is loaded) while the
        # other jobs' boxes run, never pooled: a batch needs hundreds, each used by one file
        verdict = grader.grade(ex, source, worker=worker, fresh=_draw(ex))
    except SubmissionError as e:
        return failed(e.code, e.detail)
    except box.BoxError as e:
        return failed("internal", str(e))
    except Exception as e:  # noqa: BLE001 - the last resort: one file never takes the others' verdicts down
        return failed("internal", f"{type(e).__name__}: {e}"[:500])
    code = verdict.reason or (verdict.failed[0].reason if verdict.failed else "")
    return Row(name, verdict.passed, verdict.passed_cases, verdict.cases, code, verdict,
               seconds=time.monotonic() - start)


def grade_all(ex: Exercise, paths: list[Path], jobs: int, on_done=None, unisolated_ok: bool = True) -> list[Row]:
    """Grade every file, `jobs` at a time; rows come back in the order of `paths`.

    `on_done(done, total, row)` is called as each file finishes (for a progress line).
    Call from the main thread: the private worker ends with the thread that started it.
    """
    if not paths:
        return []
    casecache.load(ex)  # compute the cases once, before the threads want them
    rows: dict[Path, Row] = {}
    with box.private_worker(jobs, unisolated_ok) as worker:  # box.Unisolated: before any box runs
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_row, ex, p, worker): p for p in paths}
            for future in as_completed(futures):
                row = future.result()
                rows[futures[future]] = row
                if on_done is not None:
                    on_done(len(rows), len(paths), row)
    return [rows[p] for p in paths]
