"""Grading: a submission run in a box and judged by value against the reference engine.

One idea per module:

    grader          grade() and replay(): the whole of one submission, to a Verdict
    verdict         Verdict, CaseResult and their reasons (str enums, the message keys)
    blanks          the blank: fill, unfilled blanks, extract the answer, option numbers
    misconceptions  the known mistake an answer or an error matches
    compare         one output against the reference's, and what differs
    result          the box's result frame, read strictly (GarbledFrame otherwise)
    cases           the exercises' cases and their expected values (numpy, parent side only)
    casecache       public cases cached as frames, so a warm submission never imports numpy
    freshcases      fresh cases drawn per submission from a secret seed, and their pool
    cachekey        the key that seals those caches
    batch           rabbit grade: every file of a directory, each in its own box
    ime, safetext   stray IME characters in a submission; box text made harmless to show

    box             run(): the box, and the lifecycle of the workers that fork boxes
    launch          the worker program as rabbit starts it (command line, spec, version)
    cold            the one-shot worker, and the direct child where there is no fork()
    reply           the worker's reply, decoded within bounds
  in the worker program (standard library only, loaded by path, never importing quiz):
    worker          the pristine parent: numpy imported once, serves, forks a supervisor per box
    supervisor      one box: forked before its request is read, then limits, namespaces, seccomp
    namespaces      the worker's and each box's namespaces; newroot: its read-only root
    libc, seccomp, reaper, observe, collect, frames, limits
  in the box:
    harness         loads the submission, calls it on each case, writes the result frame
    npyio           the frame codec (.npz subset, bounded JSON), standard library only

`from quiz import grading; grading.grade(...)`: the names below, imported when first used (so
importing one module of the package, e.g. for `rabbit --help`, costs nothing more).
"""

from __future__ import annotations

_API = {
    "grade": "grader", "replay": "grader",
    "Verdict": "verdict", "CaseResult": "verdict", "Reason": "verdict", "CaseReason": "verdict",
    "AnswerError": "blanks", "OptionError": "blanks", "fill": "blanks", "option_number": "blanks",
    "normalise_answer": "blanks", "extract_answer": "blanks", "unfilled_blanks": "blanks",
    "extract_answers": "blanks", "labelled_answers": "blanks", "LabelError": "blanks",
    "find_misconception": "misconceptions", "match_misconception": "misconceptions",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'quiz.grading' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"quiz.grading.{module}"), name)
    globals()[name] = value
    return value
