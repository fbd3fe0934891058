"""expr: a formula, judged by equivalence over its variables (never eval)."""

from __future__ import annotations

from dataclasses import dataclass

from quiz import answers, exprs
from quiz.kinds.base import Kind, Spec, Validation


@dataclass(frozen=True)
class ExprSpec(Spec):
    answer: str = ""
    variables: tuple = ()


class Expr(Kind):
    name = "expr"
    spec = ExprSpec
    fields = frozenset({"answer", "variables"})
    required = frozenset({"answer", "variables"})
    label = {"ja": "数式", "en": "formula"}

    def validate(self, v: Validation) -> ExprSpec:
        variables = v.raw["variables"]
        if not isinstance(variables, list) or not all(isinstance(x, str) and x.isidentifier() for x in variables):
            v.bad("variables", "expected a list of variable names, e.g. [x, y]")
            variables = []
        try:
            exprs.parse(str(v.raw["answer"]), list(variables))
        except exprs.ExprError as e:
            v.bad("answer", f"the key is not a readable formula in {variables}: {e}")
        return ExprSpec(answer=str(v.raw["answer"]), variables=tuple(variables))

    def judge(self, q, raw, pick, right_option):
        try:
            ok = exprs.equivalent(raw, q.spec.answer, list(q.spec.variables))
        except exprs.ExprError as e:
            return answers.Judgement(invalid="expr:" + str(e), answer=raw)
        return answers.Judgement(correct=ok, answer=raw)

    def key(self, q, lang, shown, exercise=None):
        return q.spec.answer

    def right_answer(self, q, shown, exercises):
        return [q.spec.answer]


KIND = Expr()
