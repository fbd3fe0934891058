"""multi: every right option among four to six."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz import answers
from quiz.i18n import text
from quiz.kinds.base import Kind, Spec, Validation
from quiz.kinds.choice import check_options, is_int

_SPLIT = re.compile(r"[\s,、，;・/]+")


@dataclass(frozen=True)
class MultiSpec(Spec):
    options: tuple = ()
    answer: list = ()  # the written numbers of the right options, ascending
    shuffle: bool = True


class Multi(Kind):
    name = "multi"
    spec = MultiSpec
    fields = frozenset({"options", "answer", "shuffle"})
    required = frozenset({"options", "answer"})
    label = {"ja": "複数選択 (例: 1 3)", "en": "choose all that apply (e.g. 1 3)"}

    def validate(self, v: Validation) -> MultiSpec:
        shuffle = v.shuffle()
        options, n = check_options(v, lambda n: 4 <= n <= 6, "4 to 6")
        answer = v.raw["answer"]
        if not isinstance(answer, list) or not answer or not all(is_int(a) for a in answer) \
                or len(set(answer)) != len(answer) or not all(1 <= a <= n for a in answer):
            v.bad("answer", f"expected a list of distinct option numbers 1-{n}; got {answer!r}")
        else:
            answer = sorted(answer)
        return MultiSpec(options=options, answer=answer, shuffle=shuffle)

    def judge(self, q, raw, pick, right_option):
        n = len(q.spec.options)
        parts = [p for p in _SPLIT.split(raw) if p]
        picks = [answers.choice_number(p, n) for p in parts]
        if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) > 1:  # "13" typed for 1 and 3
            picks = [answers.choice_number(ch, n) for ch in parts[0]]
        if not picks or any(p is None for p in picks):
            return answers.Judgement(invalid="multi", answer=raw)
        chosen = sorted({pick(p) for p in picks})
        return answers.Judgement(correct=chosen == sorted(q.spec.answer), answer=" ".join(map(str, chosen)))

    def key(self, q, lang, shown, exercise=None):
        opts = q.spec.options
        return ", ".join(f"{shown(a)}. {text(opts[a - 1], lang)}" for a in sorted(q.spec.answer, key=shown))

    def right_answer(self, q, shown, exercises):
        return [" ".join(shown(a, len(q.spec.options)) for a in q.spec.answer)]


KIND = Multi()
