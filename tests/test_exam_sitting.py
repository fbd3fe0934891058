"""Taking a mock exam (quiz.exam.sitting) without a terminal: scripted lines in, what the view was
asked to show, what the store holds, and the clock (a fake one: no sleeps)."""

from __future__ import annotations

import pytest

from quiz.bank import Question
from quiz.exam import sitting
from quiz.store import Store

T = {"ja": "問", "en": "Q"}
OPTS = tuple({"ja": f"選択肢{i}", "en": f"option {i}"} for i in range(1, 5))


def choice(ident: str, answer: int = 2) -> Question:
    # options as written (shuffle off), so the right line is the written number
    return Question(id=ident, day=3, section=1, type="choice", source="original", prompt=T, explanation=T,
                    options=OPTS, answer=answer, shuffle=False, syllabus=("3-5-2",), content_hash=f"h-{ident}")


QS = {q.id: q for q in (choice("q.a", 1), choice("q.b", 2), choice("q.c", 3))}


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Script:
    """Types the given lines (a callable advances the clock instead; KeyboardInterrupt is raised)."""

    def __init__(self, lines, clock=None, on_interrupt="pause", confirm=True):
        self.lines = list(lines)
        self.clock = clock
        self.shown: list[tuple] = []
        self.on_interrupt = on_interrupt
        self.confirm_with = confirm

    def line(self):
        while self.lines:
            x = self.lines.pop(0)
            if isinstance(x, (int, float)):
                self.clock.now += x
                continue
            if x is KeyboardInterrupt:
                raise KeyboardInterrupt
            return x
        raise EOFError

    def card(self, turn, status):
        self.shown.append(("card", turn.served.record_id, status.time_left, status.answer, status.flagged))

    def invalid(self, turn, j):
        self.shown.append(("invalid", j.invalid))

    def note(self, key, **kw):
        self.shown.append(("note", key))

    def listing(self, rows):
        self.shown.append(("list", [(r.n, r.answered, r.flagged) for r in rows]))

    def confirm(self, unanswered):
        self.shown.append(("confirm", unanswered))
        return self.confirm_with

    def interrupted(self):
        return self.on_interrupt


def start(minutes=10.0, clock=None):
    store = Store()
    exam = store.exam_create(5, minutes, list(QS))
    return store, sitting.Sitting(store.exam_get(exam), QS, store, {}, clock=clock or Clock())


def test_answers_are_stored_as_given_and_no_verdict_is_shown_before_the_end(rabbit_home):
    store, s = start()
    view = Script(["1", "3", "3", "end"])
    assert s.play(view) == "completed"
    assert [k for k, *_ in view.shown] == ["card", "card", "card", "list"]  # no verdicts; the list after the last
    answers = store.exam_answers(s.exam_id)
    assert [answers[p]["correct"] for p in range(3)] == [True, False, True]
    assert store.exam_get(s.exam_id)["state"] == "running" and store.attempts() == []  # nothing logged yet
    s.hand_in({"score": 2 / 3})
    assert store.exam_get(s.exam_id)["state"] == "completed"
    logged = store.attempts()
    assert [(a["item_id"], a["correct"], a["session"]) for a in logged] == [
        ("q.a", 1, f"exam:{s.exam_id}"), ("q.b", 0, f"exam:{s.exam_id}"), ("q.c", 1, f"exam:{s.exam_id}")]
    assert all('"exam": ' in a["detail"] for a in logged)


def test_a_changed_answer_is_logged_once_and_an_unanswered_item_not_at_all(rabbit_home):
    store, s = start()
    s.play(Script(["2", "b", "1", "end"], confirm=True))
    s.hand_in({})
    assert [(a["item_id"], a["answer"], a["correct"]) for a in store.attempts()] == [("q.a", "1", 1)]


def test_flag_move_back_change_an_answer_go_to_and_list(rabbit_home):
    store, s = start()
    view = Script(["f", "n", "2", "b", "4", "g 3", "l", "g 9", "end"], confirm=True)
    assert s.play(view) == "completed"
    cards = [x[1] for x in view.shown if x[0] == "card"]
    assert cards == ["q.a", "q.b", "q.c", "q.b", "q.c", "q.c"]  # f stays; n; an answer moves on; b; 4 moves on; g 3
    assert ("note", "exam_flagged") in view.shown
    assert ("list", [(1, False, True), (3, False, False)]) in view.shown  # unanswered and flagged
    assert ("note", "exam_bad_goto") in view.shown
    assert ("confirm", 2) in view.shown  # q.a and q.c were never answered
    answers = store.exam_answers(s.exam_id)
    assert answers[1]["line"] == "4" and answers[1]["correct"] is False  # changed from 2 (right) to 4
    assert answers[0]["flagged"]


def test_a_revisited_card_shows_the_answer_given_and_the_flag(rabbit_home):
    store, s = start()
    view = Script(["2", "f", "b", "end"])
    s.play(view)
    revisit = [x for x in view.shown if x[0] == "card" and x[1] == "q.a"][-1]
    assert revisit[3] == "2"
    assert ("note", "exam_flagged") in view.shown  # q.b flagged while its card was up


def test_hand_in_with_unanswered_items_asks_first_and_no_keeps_the_exam_going(rabbit_home):
    store, s = start()
    view = Script(["end"], confirm=False)
    assert s.play(view) == "paused"  # declined, then the input ended: paused, not handed in
    assert store.exam_get(s.exam_id)["state"] == "paused"


def test_at_zero_time_the_exam_ends_and_an_answer_typed_after_it_is_not_counted(rabbit_home):
    clock = Clock()
    store, s = start(minutes=1.0, clock=clock)
    view = Script(["1", 61, "2"], clock=clock)
    assert s.play(view) == "time"
    answers = store.exam_answers(s.exam_id)
    assert 0 in answers and 1 not in answers
    row = store.exam_get(s.exam_id)
    assert row["time_left"] == 0.0 and row["state"] == "running"  # the command scores and hands it in


def test_the_time_left_is_saved_and_a_resumed_sitting_continues_from_it(rabbit_home):
    clock = Clock()
    store, s = start(minutes=10.0, clock=clock)
    assert s.play(Script([100, "1", 50], clock=clock)) == "paused"  # end of input pauses
    row = store.exam_get(s.exam_id)
    assert row["state"] == "paused" and row["time_left"] == pytest.approx(450.0)
    again = sitting.Sitting(row, QS, store, {}, clock=Clock())
    view = Script(["end"])
    again.play(view)
    first = [x for x in view.shown if x[0] == "card"][0]
    assert first[1] == "q.b" and first[2] == pytest.approx(450.0)  # the first unanswered item, the time left


def test_ctrl_c_asks_whether_to_pause_or_hand_in(rabbit_home):
    store, s = start()
    assert s.play(Script(["1", KeyboardInterrupt], on_interrupt="end")) == "completed"
    store2, s2 = start()
    assert s2.play(Script(["1", KeyboardInterrupt], on_interrupt="pause")) == "paused"
    store3, s3 = start()
    assert s3.play(Script([KeyboardInterrupt, "1", "end"], on_interrupt="continue")) == "completed"
    assert store3.exam_answers(s3.exam_id)[0]["line"] == "1"


def test_a_pass_is_not_an_answer_in_an_exam(rabbit_home):
    store, s = start()
    view = Script(["?", "end"])
    s.play(view)
    assert ("note", "exam_no_pass") in view.shown
    assert 0 not in store.exam_answers(s.exam_id)
