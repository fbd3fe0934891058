"""generated: a question template filled from a generator's drawn numbers (quiz.generators).

The bank item names a generator, a form (numeric: the learner types the number; choice: four
options, the right one and three named mistakes) and templates in ja and en whose `{name}`
placeholders are the generator's values. Each serving draws a variant from a seed (`serve`);
the item as declared is never asked. The seed is recorded with the answer, so any variant can be
shown again (`instance`), and a named mistake's feedback is said when its number is given.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass

from quiz import answers
from quiz.i18n import text
from quiz.kinds.base import Kind, Spec, Validation
from quiz.problems import LANGS

FORMS = ("numeric", "choice")
CHOICE_MISTAKES = 3  # four options: the answer and three named mistakes
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")  # other braces ({i}, W_{in}) are left as written
CHOSEN = "chosen"  # a mistake's feedback may name the number the learner gave


@dataclass(frozen=True)
class GeneratedSpec(Spec):
    generator: str = ""
    form: str = "numeric"
    unit: dict | None = None
    mistakes: dict | None = None  # mistake name -> feedback template {ja, en}, in written order
    # a served variant (serve fills these; the declared item leaves them empty)
    seed: int | None = None
    answer: float = 0.0
    digits: int = 0
    tolerance: float = 0.0
    values: dict | None = None  # placeholder -> the number as shown
    mistake_values: dict | None = None  # mistake name -> the number it gives
    options: tuple = ()
    option_mistakes: tuple = ()  # per written option: its mistake's name, "" for the right one
    right: int = 0
    shuffle: bool = False  # options are numbers in ascending order


@dataclass(frozen=True)
class Mistake:
    """A named mistake the learner's answer matched, with its feedback for this variant."""

    name: str
    feedback: dict


def fill(template: dict, values: dict) -> dict:
    """A {ja, en} template with every known `{name}` replaced by its value as shown."""
    return {lang: PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), s)
            for lang, s in (template or {}).items()}


def placeholders(template) -> set[str]:
    if not isinstance(template, dict):
        return set()
    return {m for s in template.values() if isinstance(s, str) for m in PLACEHOLDER.findall(s)}


class Generated(Kind):
    name = "generated"
    spec = GeneratedSpec
    fields = frozenset({"generator", "form", "unit", "mistakes"})
    required = frozenset({"generator", "form"})
    label = {"ja": "計算", "en": "calculation"}

    def validate(self, v: Validation) -> GeneratedSpec:
        from quiz import generators

        raw = v.raw
        name, form = raw["generator"], raw["form"]
        known = generators.names()
        if name not in known:
            v.bad("generator", f"unknown generator {name!r}; expected one of {', '.join(known)}")
            provided, named = frozenset(), frozenset()
        else:
            provided, named = generators.provides(name)
        if form not in FORMS:
            v.bad("form", f"expected one of {', '.join(FORMS)}, got {form!r}")
        if "unit" in raw:
            v.text(raw["unit"], "unit")
        for key in ("prompt", "explanation"):
            self._placeholders(v, raw.get(key), key, provided, name)
        mistakes = raw.get("mistakes")
        if mistakes is None:
            mistakes = {}
            if form == "choice":
                v.bad("mistakes", f"a choice item names {CHOICE_MISTAKES} mistakes (its wrong options), each with feedback")
        elif not isinstance(mistakes, dict):
            v.bad("mistakes", "expected a mapping: mistake name -> {ja, en} feedback")
            mistakes = {}
        else:
            if form == "choice" and len(mistakes) != CHOICE_MISTAKES:
                v.bad("mistakes", f"a choice item names exactly {CHOICE_MISTAKES} mistakes, got {len(mistakes)}")
            line_of = getattr(mistakes, "line_of", lambda k: v.line("mistakes"))
            for key, feedback in mistakes.items():
                if provided and key not in named:
                    v.bad(f"mistakes.{key}", f"generator {name} has no mistake {key!r}; it names {', '.join(sorted(named))}",
                          line_of(key))
                v.text(feedback, f"mistakes.{key}", line_of(key))
                self._placeholders(v, feedback, f"mistakes.{key}", provided | {CHOSEN}, name, line_of(key))
        return GeneratedSpec(generator=name, form=form, unit=dict(raw["unit"]) if isinstance(raw.get("unit"), dict) else None,
                             mistakes={k: dict(f) for k, f in mistakes.items() if isinstance(f, dict)} or None)

    @staticmethod
    def _placeholders(v: Validation, template, key: str, provided, name: str, line: int | None = None) -> None:
        if not provided or not isinstance(template, dict):
            return
        for lang in LANGS:
            s = template.get(lang)
            unknown = sorted(set(PLACEHOLDER.findall(s)) - provided) if isinstance(s, str) else []
            if unknown:
                at = template.line_of(lang) if hasattr(template, "line_of") else (getattr(template, "line", None) or line)
                v.bad(f"{key}.{lang}", f"placeholder {', '.join('{' + u + '}' for u in unknown)} is not a value of "
                      f"generator {name}; it gives {', '.join(sorted(provided))}", at or line)

    # -- serving ---------------------------------------------------------------------------------
    def serve(self, q, run_seed, round_: int):
        from quiz import generators

        return self.instance(q, generators.variant_seed(run_seed, q.id, round_))

    def instance(self, q, seed: int):
        """The item as asked with variant `seed`: templates filled, options and key computed."""
        from quiz import generators

        s = q.spec
        v = generators.draw(s.generator, seed)
        values = {k: x if isinstance(x, str) else generators.show(x) for k, x in v.values.items()}
        options, option_mistakes, right = (), (), 0
        if s.form == "choice":
            picks = sorted([(v.answer, "")] + [(v.mistakes[m], m) for m in (s.mistakes or {})])
            options = tuple({lang: generators.show(x, v.digits) for lang in LANGS} for x, _ in picks)
            option_mistakes = tuple(m for _, m in picks)
            right = option_mistakes.index("") + 1
        spec = dataclasses.replace(s, seed=seed, answer=v.answer, digits=v.digits, tolerance=v.tolerance, values=values,
                                   mistake_values=dict(v.mistakes), options=options, option_mistakes=option_mistakes,
                                   right=right)
        return dataclasses.replace(q, prompt=fill(q.prompt, values), explanation=fill(q.explanation, values), spec=spec)

    def judge(self, q, raw, pick, right_option):
        s = q.spec
        if s.seed is None:
            raise ValueError(f"{q.id}: a generated item is judged as served (kinds.of(q).serve)")
        if s.form == "choice":
            chosen = pick(answers.choice_number(raw, len(s.options)))
            if chosen is None:
                return answers.Judgement(invalid="choice", answer=raw)
            return answers.Judgement(correct=chosen == s.right, answer=s.options[chosen - 1]["en"])
        value = answers.number(raw.split()[0] if raw.split() else raw)
        if value is None:
            return answers.Judgement(invalid="number", answer=raw)
        return answers.Judgement(correct=math.isclose(value, s.answer, abs_tol=s.tolerance, rel_tol=0),
                                 answer=answers.fmt(value))

    def mistake(self, q, answer: str):
        """The named mistake whose number the (recorded) answer is, with its feedback, or None."""
        s = q.spec
        if s.seed is None or not s.mistakes:
            return None
        if s.form == "choice":  # the answer recorded is the option as shown
            shown = [o["en"] for o in s.options]
            name = s.option_mistakes[shown.index(answer)] if answer in shown else ""
        else:
            value = answers.number(answer) if answer else None
            name = next((m for m in s.mistakes if value is not None and m in (s.mistake_values or {})
                         and math.isclose(value, s.mistake_values[m], abs_tol=s.tolerance, rel_tol=0)), "")
        if not name or name not in s.mistakes:
            return None
        return Mistake(name, fill(s.mistakes[name], {**s.values, CHOSEN: answer}))

    def recorded(self, q, j) -> dict:
        """What the attempt's detail keeps: the variant's seed (so it can be shown again) and the
        named mistake the answer made, if any."""
        if q.spec.seed is None:
            return {}
        out = {"variant": q.spec.seed}
        m = None if j.correct or j.passed else self.mistake(q, j.answer)
        if m is not None:
            out["mistake"] = m.name
        return out

    def key(self, q, lang, shown, exercise=None):
        s = q.spec
        if s.form == "choice" and s.options:
            return f"{shown(s.right)}. {text(s.options[s.right - 1], lang)}"
        from quiz import generators

        return generators.show(s.answer, s.digits)

    def right_answer(self, q, shown, exercises):
        s = q.spec
        if s.form == "choice":
            return [shown(s.right, len(s.options))]
        from quiz import generators

        return [generators.show(s.answer, s.digits)]


def mastered(attempts) -> bool:
    """A generator is mastered once its last three answers were right, each to a fresh variant:
    `attempts` lists (correct, variant seed) oldest first."""
    last = list(attempts)[-3:]
    return len(last) == 3 and all(ok for ok, _ in last) and len({seed for _, seed in last}) == 3


def mastered_in(rows) -> bool:
    """`mastered` over an item's attempt rows as the store keeps them (oldest first; `detail` JSON
    with `variant`). A cram answer counts like any other; a row without a variant (answered
    before the item was generated) is not a fresh variant."""
    import json

    seq = []
    for row in rows:
        detail = row.get("detail")
        detail = json.loads(detail) if isinstance(detail, str) else (detail or {})
        seq.append((bool(row.get("correct")) and not detail.get("dont_know"), detail.get("variant")))
    last = seq[-3:]
    return all(v is not None for _, v in last) and mastered(last)


KIND = Generated()
