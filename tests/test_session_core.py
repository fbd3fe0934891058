"""The session core (quiz.practice) driven without a terminal: a scripted list of lines in, the
tally, the recorded attempts and the order of the questions out.

The questions are built here, so these tests pin the core's rules, not the bank's content.
"""

from __future__ import annotations

import json

import pytest

from quiz import practice, session
from quiz.bank import Question
from quiz.store import Store

T = {"ja": "問", "en": "Q"}
OPTS = tuple({"ja": f"選択肢{i}", "en": f"option {i}"} for i in range(1, 5))


def choice(ident: str, answer: int = 2, shuffle: bool = True) -> Question:
    return Question(id=ident, day=3, section=1, type="choice", source="original", prompt=T, explanation=T,
                    options=OPTS, answer=answer, shuffle=shuffle, content_hash=f"h-{ident}")


def term(ident: str, accept=("ReLU",)) -> Question:
    return Question(id=ident, day=3, section=2, type="text", source="original", prompt=T, explanation=T,
                    accept=tuple(accept), content_hash=f"h-{ident}")


DESCRIBE = Question(id="t.why", day=3, section=2, type="describe", source="original", prompt=T, explanation=T,
                    model_answer={"ja": "勾配が消えるから", "en": "the gradient vanishes"},
                    key_points=({"ja": "勾配消失", "en": "vanishing gradient", "keywords": ["vanish", "消失"]},),
                    content_hash="h-why")


class Script:
    """A view that types the given lines and notes what it was asked to show."""

    def __init__(self, lines):
        self.lines = list(lines)
        self.shown: list[tuple] = []

    def line(self) -> str:
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    def card(self, turn):
        self.shown.append(("card", turn.served.record_id, turn.n, turn.total))

    def invalid(self, turn, j):
        self.shown.append(("invalid", j.invalid))

    def passed(self, turn):
        self.shown.append(("passed",))

    def reveal(self, turn, j):
        self.shown.append(("reveal", tuple(j.hits)))

    def grade_again(self, turn):
        self.shown.append(("grade_again",))

    def verdict(self, outcome):
        self.shown.append(("verdict", outcome.correct, outcome.turn.key("en")))

    def stopped(self):
        self.shown.append(("stopped",))


def run(items, lines, policy=practice.PRACTICE, seed=None, **kw):
    core = practice.Session([practice.Served(q) for q in items], Store(), {}, seed, policy, **kw)
    view = Script(lines)
    finished = core.play(view)
    return core, view, finished


def recorded():
    return [(a["item_id"], bool(a["correct"]), a["answer"]) for a in Store().attempts()]


def test_practice_judges_each_line_records_at_once_and_tallies():
    core, view, finished = run([choice("t.a"), term("t.b"), choice("t.c", answer=4)],
                               ["2", "relu", "seven", "1"])
    assert finished
    assert (core.tally.asked, core.tally.correct) == (3, 2)
    assert recorded() == [("t.a", True, "2"), ("t.b", True, "relu"), ("t.c", False, "1")]
    assert ("invalid", "choice") in view.shown  # "seven" was asked again and counted nothing
    assert [s for s in view.shown if s[0] == "verdict"] == [("verdict", True, "2. option 2"), ("verdict", True, "ReLU"),
                                                             ("verdict", False, "4. option 4")]


def test_review_brings_a_miss_back_once_a_few_questions_later():
    items = [choice(f"t.{i}", answer=1) for i in range(5)]
    # t.0 wrong, comes back after t.1 t.2 t.3; wrong again: not requeued a second time
    core, view, finished = run(items, ["2", "1", "1", "1", "2", "1"], policy=practice.REVIEW)
    assert finished
    cards = [s[1] for s in view.shown if s[0] == "card"]
    assert cards == ["t.0", "t.1", "t.2", "t.3", "t.0", "t.4"]
    assert [s[3] for s in view.shown if s[0] == "card"] == [5, 6, 6, 6, 6, 6]  # the run grew by the requeue
    assert [r[0] for r in recorded()] == cards
    assert (core.tally.asked, core.tally.correct) == (6, 4)


def test_practice_does_not_requeue():
    core, view, _ = run([choice("t.a", answer=1), choice("t.b", answer=1)], ["2", "1"])
    assert [s[1] for s in view.shown if s[0] == "card"] == ["t.a", "t.b"]


def test_shown_numbers_are_judged_and_recorded_as_written():
    q = choice("t.shuffled", answer=2)
    order = session.option_order(7, q.id, 4, True)
    assert order != (1, 2, 3, 4)  # seed 7 moves the options of this item
    typed = str(session.shown_number(order, 2))
    core, view, _ = run([q], [typed], seed=7)
    [attempt] = Store().attempts()
    assert attempt["correct"] == 1 and attempt["answer"] == "2"
    assert json.loads(attempt["detail"])["order"] == list(order)


def test_dont_know_is_a_miss_and_a_self_graded_item_waits_for_y_or_n():
    core, view, finished = run([term("t.a"), DESCRIBE], ["?", "it vanishes", "maybe", "y"])
    assert finished
    assert recorded() == [("t.a", False, "?"), ("t.why", True, "it vanishes")]
    assert ("passed",) in view.shown and ("reveal", (0,)) in view.shown and ("grade_again",) in view.shown
    detail = json.loads(Store().attempts("t.why")[0]["detail"])
    assert detail == {"type": "describe", "hits": [0]}


def test_stopping_mid_run_keeps_what_was_answered():
    core, view, finished = run([choice("t.a"), choice("t.b"), choice("t.c")], ["2"])
    assert not finished and view.shown[-1] == ("stopped",)
    assert recorded() == [("t.a", True, "2")]
    assert core.tally.asked == 1


def test_a_policy_without_verdicts_keeps_them_for_the_end():
    exam = practice.Policy(verdict_each=False)
    core, view, _ = run([choice("t.a"), choice("t.b")], ["2", "3"], policy=exam)
    assert not [s for s in view.shown if s[0] == "verdict"]
    assert [o.correct for o in core.outcomes] == [True, False]


def test_a_time_limit_ends_the_run():
    now = [0.0]

    def clock():
        now[0] += 10.0  # every look at the clock: ten seconds later
        return now[0]

    core, view, finished = run([choice(f"t.{i}") for i in range(10)], ["2"] * 10,
                               policy=practice.Policy(time_limit=45.0), clock=clock)
    assert finished and 0 < core.tally.asked < 10


@pytest.mark.parametrize("policy", [practice.PRACTICE, practice.REVIEW])
def test_every_answer_is_recorded_under_one_run_id(policy):
    run([choice("t.a"), choice("t.b")], ["1", "2", "2"], policy=policy)
    assert len({a["session"] for a in Store().attempts()}) == 1
