"""Sitting a mock exam: the clock, the moves (flag, back, next, go to, list, hand in) and every
answer stored as it is given. No terminal I/O of its own: a view renders cards and reads lines
(quiz.exam.view for the terminal, piped or not; a list of lines in the tests).

Turns are built by the session core (quiz.practice.Session.turn_for) from the exam's seed, so a
card shows the same options in the same order and a generated item the same variant when it is
revisited or the exam is resumed; judging is the core's too. No verdict is shown before the end.
The clock counts down from the time left when the sitting began; it is saved with every answer,
flag and card, so a killed exam loses at most the time since the last of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from quiz import practice
from quiz.typed import nfkc

PACE_SECONDS = 72  # the real exam: about 100 questions in 120 minutes


class TimeUp(Exception):
    """Raised by a view's line() when the time runs out while it waits (SIGALRM in a terminal)."""


@dataclass(frozen=True)
class Status:
    """What a card shows besides the question: the clock, the pace, the answer given, the flag."""

    time_left: float
    answered: int
    total: int
    answer: str | None  # the line given for this item, if any
    flagged: bool

    @property
    def per_question(self) -> float | None:
        """Seconds left for each unanswered item (compare with PACE_SECONDS)."""
        left = self.total - self.answered
        return self.time_left / left if left else None


@dataclass(frozen=True)
class Row:
    n: int
    answered: bool
    flagged: bool


class _Turns:
    """The sitting's turns, each built when first asked for (the first card of a 100-question exam
    does not wait for the other 99); built by the seed, so a turn is the same whenever it is built."""

    def __init__(self, core, served: list):
        self.core, self.served = core, served
        self._built: dict[int, object] = {}

    def __len__(self) -> int:
        return len(self.served)

    def __getitem__(self, k: int):
        if k not in self._built:
            self._built[k] = self.core.turn_for(self.served[k], k + 1, len(self.served))
        return self._built[k]

    def __iter__(self):
        return (self[k] for k in range(len(self)))


class Sitting:
    def __init__(self, exam: dict, questions: dict, store, exercises: dict,
                 clock: Callable[[], float] = time.monotonic):
        self.exam_id = exam["id"]
        self.store = store
        self.clock = clock
        # an item gone from the bank since the exam was drawn is left out (it can be neither shown nor scored)
        self.positions = [p for p, item in enumerate(exam["items"]) if item in questions]
        self.gone = [item for item in exam["items"] if item not in questions]
        served = [practice.Served(questions[exam["items"][p]], detail={"exam": exam["id"]}) for p in self.positions]
        self.core = practice.Session(served, store, exercises, exam["seed"], practice.EXAM, clock=clock)
        self.turns = _Turns(self.core, served)
        self.answers = store.exam_answers(self.exam_id)  # position -> {line, answer, correct, flagged, ...}
        self._left0 = float(exam["time_left"])
        self._t0 = clock()
        self.k = next((k for k, p in enumerate(self.positions) if not self._answered(p)), 0)

    # -- the clock and the state ---------------------------------------------------
    def time_left(self) -> float:
        return max(0.0, self._left0 - (self.clock() - self._t0))

    def _answered(self, pos: int) -> bool:
        return self.answers.get(pos, {}).get("line") is not None

    def _flagged(self, pos: int) -> bool:
        return bool(self.answers.get(pos, {}).get("flagged"))

    def status(self) -> Status:
        pos = self.positions[self.k]
        return Status(self.time_left(), sum(self._answered(p) for p in self.positions), len(self.positions),
                      self.answers.get(pos, {}).get("line"), self._flagged(pos))

    def rows(self) -> list[Row]:
        """The unanswered and the flagged items, by number."""
        return [Row(k + 1, self._answered(p), self._flagged(p)) for k, p in enumerate(self.positions)
                if not self._answered(p) or self._flagged(p)]

    def unanswered(self) -> int:
        return sum(not self._answered(p) for p in self.positions)

    # -- the run -------------------------------------------------------------------------
    def play(self, view) -> str:
        """Until the learner hands in ('completed'), the time runs out ('time'; the caller scores
        it as it stands) or the learner pauses ('paused': end of input, or Ctrl-C then pause)."""
        if self.gone:  # said before the first card, so a shorter exam is no surprise
            view.note("exam_gone", n=len(self.gone), ids=", ".join(self.gone))
        if not self.positions:
            return self._hand_in_state()
        redraw = True
        while True:
            try:  # Ctrl-C asks, whether it comes while a card is drawn, at the prompt or while an answer is saved
                if self.time_left() <= 0:
                    return self._time_up()
                turn = self.turns[self.k]
                if redraw:
                    redraw = False
                    view.card(turn, self.status())
                    self.store.exam_touch(self.exam_id, self.time_left())
                    turn.started = self.clock()
                line = view.line()
                if self.time_left() <= 0:  # typed after zero: not counted
                    return self._time_up()
                outcome = self._command(view, turn, line)
            except EOFError:
                return self._pause()
            except TimeUp:
                return self._time_up()
            except KeyboardInterrupt:
                choice = self._ask(view.interrupted)
                if choice == "pause":
                    return self._pause()
                if choice == "end":
                    return self._hand_in_state()
                redraw = True
                continue
            if outcome in ("completed",):
                return self._hand_in_state()
            redraw = outcome == "moved"

    def _ask(self, question):
        try:
            return question()
        except (EOFError, KeyboardInterrupt):
            return "pause"
        except TimeUp:
            return "time"

    def _command(self, view, turn, line: str) -> str:
        """'moved' (show the card at self.k), 'stay' (prompt again) or 'completed'."""
        word = nfkc(line).strip().lower()
        total = len(self.positions)
        pos = self.positions[self.k]
        if word == "f":
            on = not self._flagged(pos)
            self.answers.setdefault(pos, {"line": None})["flagged"] = on
            self.store.exam_flag(self.exam_id, pos, turn.served.record_id, on, self.time_left())
            view.note("exam_flagged" if on else "exam_unflagged", n=self.k + 1)
            return "stay"
        if word in ("b", "n"):
            step = -1 if word == "b" else 1
            if not 0 <= self.k + step < total:
                view.note("exam_at_first" if step < 0 else "exam_at_last")
                return "stay"
            self.k += step
            return "moved"
        if word.startswith("g") and word[1:].strip().isdigit():
            n = int(word[1:].strip())
            if not 1 <= n <= total:
                view.note("exam_bad_goto", total=total)
                return "stay"
            self.k = n - 1
            return "moved"
        if word == "l":
            view.listing(self.rows())
            return "stay"
        if word == "end":
            left = self.unanswered()
            if left and not self._ask(lambda: view.confirm(left)) is True:
                return "stay"
            return "completed"
        j = self.core.judge(turn, line)
        if j.passed:
            view.note("exam_no_pass")
            return "stay"
        if j.invalid:
            view.invalid(turn, j)
            return "stay"
        duration = int((self.clock() - turn.started) * 1000)
        self.store.exam_answer(self.exam_id, pos, turn.served.record_id, line.strip(), j.answer, bool(j.correct),
                               duration, self.time_left())
        entry = self.answers.setdefault(pos, {})
        entry.update(line=line.strip(), answer=j.answer, correct=bool(j.correct), duration_ms=duration)
        entry.setdefault("flagged", False)
        if self.k + 1 < total:
            self.k += 1
            return "moved"
        view.listing(self.rows())  # the last item: what is left to check before handing in
        return "stay"

    def _pause(self) -> str:
        self.store.exam_set_state(self.exam_id, "paused", self.time_left())
        return "paused"

    def _time_up(self) -> str:
        self.left_at_end = 0.0
        self.store.exam_touch(self.exam_id, 0.0)
        return "time"

    def _hand_in_state(self) -> str:
        self.left_at_end = self.time_left()
        self.store.exam_touch(self.exam_id, self.left_at_end)
        return "completed"

    def hand_in(self, result: dict) -> None:
        """Complete the exam: its result stored, the final answers into the attempt log, together."""
        left = getattr(self, "left_at_end", None)
        self.store.exam_hand_in(self.exam_id, self.attempts(), result, self.time_left() if left is None else left)

    # -- the record -------------------------------------------------------------------
    def attempts(self) -> list:
        """The final answer of each answered item, as an attempt of session 'exam:<id>' (unanswered
        items are scored as wrong but not logged: they say nothing about what the learner knows)."""
        out = []
        for turn, pos in zip(self.turns, self.positions):
            given = self.answers.get(pos, {})
            if given.get("line") is None:
                continue
            j = self.core.judge(turn, given["line"])
            out.append(self.core.attempt(turn, j, given.get("duration_ms"), f"exam:{self.exam_id}"))
        return out
