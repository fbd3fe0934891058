"""Known mistakes: the misconception an answer (by its syntax tree) or an error text matches,
blank by blank (each blank has its own)."""

from __future__ import annotations

from quiz.exercises import Blank, Exercise, Misconception
from quiz.grading.blanks import normalise_answer
from quiz.grading.verdict import Verdict


def _shape_key(expr: str) -> str | None:
    import ast

    try:
        return ast.dump(ast.parse(normalise_answer(expr), mode="eval").body)
    except SyntaxError:
        return None


def find_misconception(ex: Exercise | Blank, answer: str | None, errors: list[str]) -> tuple[Misconception, str] | None:
    """The known mistake of one blank (an exercise of one blank, or a Blank) and how it was
    recognised: "answer" (by its syntax tree) or "error" only.

    An "error" match says nothing about the rest of the answer: its feedback is error_feedback.
    """
    known = ex.misconceptions
    key = _shape_key(answer) if answer else None
    if key is not None:
        for m in known:
            if any(_shape_key(a) == key for a in m.answers):
                return m, "answer"
    for m in known:
        if m.error and any(m.error in e for e in errors):
            return m, "error"
    return None


def match_misconception(ex: Exercise | Blank, answer: str | None, errors: list[str]) -> Misconception | None:
    found = find_misconception(ex, answer, errors)
    return found[0] if found else None


def name_misconception(verdict: Verdict, ex: Exercise, errors: list[str]) -> None:
    """The misconception of the whole submission: of its one blank (several blanks: see
    grader._blank_by_blank, which grades each alone)."""
    if len(ex.blanks) != 1:
        return
    found = find_misconception(ex.blanks[0], verdict.answer, errors)
    if found:
        verdict.misconception, verdict.misconception_by = found
