"""choice: one right option among exactly four."""

from __future__ import annotations

from dataclasses import dataclass

from quiz import answers
from quiz.i18n import text
from quiz.kinds.base import Kind, Spec, Validation


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_options(v: Validation, ok, want: str) -> tuple[tuple[dict, ...], int]:
    """The options (each a {ja, en} text) and their count, which `ok(n)` must accept."""
    options = v.raw["options"]
    n = len(options) if isinstance(options, list) else 0
    if not isinstance(options, list) or not ok(n):
        v.bad("options", f"expected {want} options, got {n}")
        return (), n
    for i, opt in enumerate(options):
        v.text(opt, f"options[{i + 1}]")
    return tuple(dict(o) for o in options if isinstance(o, dict)), n


@dataclass(frozen=True)
class ChoiceSpec(Spec):
    options: tuple = ()
    answer: int = 1  # the written number of the right option
    shuffle: bool = True


class Choice(Kind):
    name = "choice"
    spec = ChoiceSpec
    fields = frozenset({"options", "answer", "shuffle"})
    required = frozenset({"options", "answer"})
    label = {"ja": "4択", "en": "choose one"}

    def validate(self, v: Validation) -> ChoiceSpec:
        shuffle = v.shuffle()
        options, n = check_options(v, lambda n: n == 4, "exactly 4")
        answer = v.raw["answer"]
        if not is_int(answer) or not 1 <= answer <= max(n, 1):
            v.bad("answer", f"expected the number of the right option (1-{n}); {answer!r} is not among the options")
        return ChoiceSpec(options=options, answer=answer, shuffle=shuffle)

    def judge(self, q, raw, pick, right_option):
        chosen = pick(answers.choice_number(raw, len(q.spec.options)))
        if chosen is None:
            return answers.Judgement(invalid="choice", answer=raw)
        return answers.Judgement(correct=chosen == q.spec.answer, answer=str(chosen))

    def key(self, q, lang, shown, exercise=None):
        return f"{shown(q.spec.answer)}. {text(q.spec.options[q.spec.answer - 1], lang)}"

    def right_answer(self, q, shown, exercises):
        return [shown(q.spec.answer, len(q.spec.options))]


KIND = Choice()
