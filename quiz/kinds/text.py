"""text: a term, matched against accepted spellings (case, width, spaces and punctuation aside)."""

from __future__ import annotations

from dataclasses import dataclass

from quiz import answers
from quiz.kinds.base import Kind, Spec, Validation


@dataclass(frozen=True)
class TextSpec(Spec):
    accept: tuple = ()


class Text(Kind):
    name = "text"
    spec = TextSpec
    fields = frozenset({"accept"})
    required = frozenset({"accept"})
    label = {"ja": "用語", "en": "term"}

    def validate(self, v: Validation) -> TextSpec:
        accept = v.raw["accept"]
        if not isinstance(accept, list) or not accept or not all(isinstance(a, (str, int, float)) for a in accept):
            v.bad("accept", "expected a non-empty list of accepted answers")
            accept = []
        return TextSpec(accept=tuple(str(a) for a in accept))

    def judge(self, q, raw, pick, right_option):
        mine = answers.loose(raw)
        return answers.Judgement(correct=any(mine == answers.loose(a) for a in q.spec.accept), answer=raw)

    def key(self, q, lang, shown, exercise=None):
        return " / ".join(q.spec.accept[:3])

    def right_answer(self, q, shown, exercises):
        return [q.spec.accept[0]]


KIND = Text()
