"""code: the four candidate lines of an exercise's blank; options, key and explanation are the exercise's."""

from __future__ import annotations

from dataclasses import dataclass

from quiz import answers
from quiz.kinds.base import Kind, Spec, Validation

N_OPTIONS = 4


@dataclass(frozen=True)
class CodeSpec(Spec):
    exercise: str = ""  # the exercise's name
    shuffle: bool = True


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
        ex = exercises[q.spec.exercise]
        return [shown(ex.answer, len(ex.options))]

    def exercise(self, q, exercises):
        return exercises.get(q.spec.exercise)

    def options(self, q, exercise=None):
        return [{"ja": o, "en": o} for o in exercise.options] if exercise is not None else []


KIND = Code()
