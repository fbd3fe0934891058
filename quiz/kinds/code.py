"""code: the four candidate lines of one blank of an exercise; options, key and explanation are the
exercise's. The shipped bank's code items are derived from the exercises (one per blank, see
quiz.bank.code_items); a learner's own file may still declare one (it asks the first blank)."""

from __future__ import annotations

from dataclasses import dataclass

from quiz import answers
from quiz.kinds.base import Kind, Spec, Validation

N_OPTIONS = 4


@dataclass(frozen=True)
class CodeSpec(Spec):
    exercise: str = ""  # the exercise's name
    shuffle: bool = True
    blank: str = ""  # the blank's label; "" for the exercise's first


class Code(Kind):
    name = "code"
    spec = CodeSpec
    fields = frozenset({"exercise", "shuffle"})
    required = frozenset({"exercise"})
    needs_text = False
    label = {"ja": "コード穴埋め 4択", "en": "code, choose one"}

    def validate(self, v: Validation) -> CodeSpec:
        shuffle = v.shuffle()
        name = v.raw["exercise"]
        if not isinstance(name, str) or name not in v.exercise_names:
            v.bad("exercise", f"no exercise named {name!r}; known: {', '.join(sorted(v.exercise_names))}")
        return CodeSpec(exercise=name, shuffle=shuffle)

    def judge(self, q, raw, pick, right_option):
        chosen = pick(answers.choice_number(raw, N_OPTIONS))
        if chosen is None:
            return answers.Judgement(invalid="choice", answer=raw)
        return answers.Judgement(correct=chosen == right_option, answer=str(chosen))

    def key(self, q, lang, shown, exercise=None):
        return f"{shown(exercise.answer)}. {exercise.right_option}" if exercise is not None else ""

    def right_answer(self, q, shown, exercises):
        ex = self.exercise(q, exercises)
        return [shown(ex.answer, len(ex.options))]

    def exercise(self, q, exercises):
        """The exercise as this item's blank asks it: a view holding that one blank (so its
        options, answer and marker are the blank's)."""
        ex = exercises.get(q.spec.exercise)
        if ex is None or len(ex.blanks) == 1:
            return ex
        label = q.spec.blank if q.spec.blank in ex.labels else ex.labels[0]
        return ex.with_blank(label)

    def options(self, q, exercise=None):
        return [{"ja": o, "en": o} for o in exercise.options] if exercise is not None else []


KIND = Code()
