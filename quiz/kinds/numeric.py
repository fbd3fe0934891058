"""numeric: a number (0.25, 1/4) or a shape (3x3), within a tolerance."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from quiz import answers
from quiz.kinds.base import Kind, Spec, Validation

_SHAPE_SPLIT = re.compile(r"\s*(?:[x×*,、]|\s)\s*")


def is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@dataclass(frozen=True)
class NumericSpec(Spec):
    answer: object = 0  # a number, or a list of numbers for a shape
    tolerance: float = 1e-9
    unit: dict | None = None  # shown under the prompt, {ja, en}


class Numeric(Kind):
    name = "numeric"
    spec = NumericSpec
    fields = frozenset({"answer", "tolerance", "unit"})
    required = frozenset({"answer"})
    label = {"ja": "数値", "en": "number"}

    def validate(self, v: Validation) -> NumericSpec:
        raw = v.raw
        answer = raw["answer"]
        if not (is_num(answer) or (isinstance(answer, list) and answer and all(is_num(a) for a in answer))):
            v.bad("answer", f"expected a number or a list of numbers such as [3, 3]; got {answer!r}")
        tol = raw.get("tolerance", 1e-9)
        if not is_num(tol) or tol < 0:
            v.bad("tolerance", "expected a number >= 0")
        if "unit" in raw:
            v.text(raw["unit"], "unit")
        return NumericSpec(answer=list(answer) if isinstance(answer, list) else answer,
                           tolerance=float(tol) if is_num(tol) else 0.0,
                           unit=dict(raw["unit"]) if isinstance(raw.get("unit"), dict) else None)

    def judge(self, q, raw, pick, right_option):
        s = q.spec
        if isinstance(s.answer, list):
            parts = [p for p in _SHAPE_SPLIT.split(raw.strip("()[]（）")) if p]
            values = [answers.number(p) for p in parts]
            if not values or any(v is None for v in values):
                return answers.Judgement(invalid="shape", answer=raw)
            ok = len(values) == len(s.answer) and all(
                math.isclose(v, a, abs_tol=s.tolerance) for v, a in zip(values, s.answer))
            return answers.Judgement(correct=ok, answer="×".join(answers.fmt(v) for v in values))
        value = answers.number(raw.split()[0] if raw.split() else raw)
        if value is None:
            return answers.Judgement(invalid="number", answer=raw)
        return answers.Judgement(correct=math.isclose(value, float(s.answer), abs_tol=s.tolerance, rel_tol=0),
                                 answer=answers.fmt(value))

    def key(self, q, lang, shown, exercise=None):
        a = q.spec.answer
        return "×".join(str(x) for x in a) if isinstance(a, list) else f"{a:g}"

    def right_answer(self, q, shown, exercises):
        a = q.spec.answer
        return ["x".join(map(_exact, a)) if isinstance(a, list) else _exact(a)]


def _exact(x) -> str:
    """A number as typed back exactly (23835648, not 2.38356e+07; 0.1, not 0.1000000001)."""
    return str(x) if isinstance(x, int) else repr(float(x))


KIND = Numeric()
