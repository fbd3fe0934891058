"""Known mistakes: the misconception an answer (by its syntax tree) or an error text matches."""

from __future__ import annotations

from quiz.exercises import Exercise, Misconception
from quiz.grading.blanks import normalise_answer
from quiz.grading.verdict import Verdict


def _shape_key(expr: str) -> str | None:
    import ast

    try:
        return ast.dump(ast.parse(normalise_answer(expr), mode="eval").body)
    except SyntaxError:
        return None


def find_misconception(ex: Exercise, answer: str | None, errors: list[str]) -> tuple[Misconception, str] | None:
    """The known mistake and how it was recognised: "answer" (by its syntax tree) or "error" only.

    An "error" match says nothing about the rest of the answer: its feedback is error_feedback.
    """
    key = _shape_key(answer) if answer else None
    if key is not None:
        for m in ex.misconceptions:
            if any(_shape_key(a) == key for a in m.answers):
                return m, "answer"
    for m in ex.misconceptions:
        if m.error and any(m.error in e for e in errors):
            return m, "error"
    return None


def match_misconception(ex: Exercise, answer: str | None, errors: list[str]) -> Misconception | None:
    found = find_misconception(ex, answer, errors)
    return found[0] if found else None


def name_misconception(verdict: Verdict, ex: Exercise, errors: list[str]) -> None:
    found = find_misconception(ex, verdict.answer, errors)
    if found:
        verdict.misconception, verdict.misconception_by = found

