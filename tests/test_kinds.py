"""The question-kind registry (quiz.kinds): a new kind is one module plus its tests.

The toy kind below lives in this test module only: registering it makes the bank validate, the
judge judge, and the key and answer-key functions speak for items of it, with no other change.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from quiz import answers, bank, kinds
from quiz.kinds.base import Kind, Spec, Validation


@dataclass(frozen=True)
class YesNoSpec(Spec):
    truth: bool = True


class YesNo(Kind):
    """A true-or-false statement: `truth: true|false`."""

    name = "yesno"
    spec = YesNoSpec
    fields = frozenset({"truth"})
    required = frozenset({"truth"})
    label = {"ja": "正誤", "en": "true or false"}

    def validate(self, v: Validation) -> YesNoSpec:
        if not isinstance(v.raw["truth"], bool):
            v.bad("truth", f"expected true or false, got {v.raw['truth']!r}")
        return YesNoSpec(truth=v.raw["truth"] is True)

    def judge(self, q, text, pick, right_option):
        said = {"t": True, "true": True, "f": False, "false": False}.get(text.casefold())
        if said is None:
            return answers.Judgement(invalid="choice", answer=text)
        return answers.Judgement(correct=said == q.spec.truth, answer=str(said).lower())

    def key(self, q, lang, shown, exercise=None):
        return str(q.spec.truth).lower()

    def right_answer(self, q, shown, exercises):
        return [str(q.spec.truth).lower()]


@pytest.fixture
def yesno():
    kind = kinds.register(YesNo())
    yield kind
    kinds.unregister("yesno")


def _file(tmp_path, body: str):
    path = tmp_path / "mine.yaml"
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


TOY = """
questions:
  - id: t.relu-zero
    day: 3
    section: 1
    type: yesno
    source: original
    prompt: {ja: "ReLU の x=0 での微分は 0 とすることが多い", en: "ReLU's derivative at 0 is usually taken as 0"}
    truth: true
    explanation: {ja: "慣例", en: "a convention"}
"""


def test_a_kind_registered_from_outside_validates_judges_and_keys_its_items(tmp_path, yesno):
    questions, problems = bank.validate_paths([_file(tmp_path, TOY)])
    assert problems == []
    [q] = questions
    assert q.type == "yesno" and q.spec == YesNoSpec(truth=True) and q.truth is True
    assert answers.judge(q, "TRUE").correct is True
    assert answers.judge(q, "false").correct is False
    assert answers.judge(q, "maybe").invalid  # asked again, not counted
    assert answers.judge(q, "?").passed  # "I don't know" is the session's, for every kind
    assert kinds.key_text(q, "en") == "true"
    assert kinds.right_answer(q, {}, seed=1) == ["true"]
    assert kinds.label(q, "ja") == "正誤"


def test_a_registered_kind_reports_its_own_problems_with_file_line_and_field(tmp_path, yesno):
    path = _file(tmp_path, TOY.replace("truth: true", "truth: yes please\n    options: []"))
    _, problems = bank.validate_paths([path])
    by_field = {p.field: p for p in problems}
    assert by_field["t.relu-zero.truth"].message == "expected true or false, got 'yes please'"
    assert by_field["t.relu-zero.truth"].line == 8
    assert "allowed:" in by_field["t.relu-zero.options"].message and "truth" in by_field["t.relu-zero.options"].message


def test_without_the_kind_its_type_is_refused_naming_the_known_ones(tmp_path):
    _, problems = bank.validate_paths([_file(tmp_path, TOY)])
    [p] = problems
    assert p.field == "t.relu-zero.type" and "'yesno'" in p.message
    assert p.message.startswith("expected one of choice, multi, numeric, text, expr, describe, code")


def test_every_builtin_kind_is_in_the_table_and_labels_both_languages():
    assert kinds.names() == ("choice", "multi", "numeric", "text", "expr", "describe", "code", "generated")
    for name in kinds.names():
        kind = kinds.get(name)
        assert kind.name == name and set(kind.label) == {"ja", "en"}
        assert kind.required <= kind.fields


def test_the_bank_cache_gives_back_the_same_items_with_their_specs():
    first = bank.load()  # validated, then written to the cache
    again = bank.load()  # read from the cache
    assert again == first
    assert {type(q.spec) for q in again} == {type(q.spec) for q in first}
    assert all(isinstance(q.spec, kinds.get(q.type).spec) for q in again)


def test_a_registered_kind_is_served_judged_and_recorded_by_the_session_core(tmp_path, yesno):
    from quiz import practice
    from quiz.store import Store

    [q], _ = bank.validate_paths([_file(tmp_path, TOY)])

    class Lines:  # a view that types "maybe" (asked again), then "f"
        typed = ["maybe", "f"]
        seen: list = []

        def line(self):
            return self.typed.pop(0)

        def __getattr__(self, name):  # card, invalid, verdict ...: noted, not drawn
            return lambda *a: self.seen.append(name)

    run = practice.Session([practice.Served(q)], Store(), {}, seed=3)
    assert run.play(Lines())
    assert Lines.seen == ["card", "invalid", "verdict"]
    [attempt] = Store().attempts()
    assert (attempt["item_id"], attempt["correct"], attempt["answer"]) == ("t.relu-zero", 0, "false")
