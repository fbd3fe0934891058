"""The session core: one run over served items under a policy. No terminal I/O of its own.

What comes next, how an answer is judged (the item's kind, quiz.kinds) and recorded (an Attempt
in the store, at once), the order of the options, the requeue of misses and the tally live here.
A view renders each turn and reads the learner's lines (quiz.commands.quiz_view for the terminal,
piped or not; a list of lines in the tests): `Session.play(view)` is the one loop both share.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

from quiz import answers, kinds, session
from quiz.i18n import text


@dataclass
class Served:
    """One question as served: what to ask, and under which id and kind its answer is recorded."""

    question: object  # a bank Question
    record_id: str = ""  # default: the question's id (an exercise's id for its code item in review)
    kind: str = "question"  # 'question' | 'exercise'
    detail: dict = field(default_factory=dict)  # recorded with the answer ({"via": "review"}, {"cram": True})
    note: str = ""  # shown on the card, e.g. "changed since you last saw it"

    def __post_init__(self):
        self.record_id = self.record_id or self.question.id
        self.detail = dict(self.detail or {})


@dataclass(frozen=True)
class Policy:
    """What differs between sessions; how an answer is judged and recorded does not.

    Practice shows a verdict after each answer; review also brings each miss back once, a few
    questions later. A mock exam is a policy too: its blueprint chooses the served items before
    the run (as session.select and selection.review_queue do for practice and review), its
    `time_limit` ends the run, and `verdict_each=False` keeps the verdicts for the end
    (Session.outcomes) instead of after each answer.
    """

    requeue_misses: bool = False  # a miss comes back once, `requeue_gap` questions later
    requeue_gap: int = 3
    verdict_each: bool = True  # the view shows right/wrong, the key and the explanation after each answer
    time_limit: float | None = None  # seconds; no question is asked once it has passed


PRACTICE = Policy()
REVIEW = Policy(requeue_misses=True)
EXAM = Policy(verdict_each=False)  # rabbit exam: its sitting (quiz.exam.sitting) keeps the clock and the order


@dataclass
class Turn:
    """One question being asked: everything a view needs to render it, and to explain it after."""

    served: Served
    n: int  # 1-based place in the run
    total: int  # the run's length as it stands (a requeued miss lengthens it)
    kind: kinds.Kind
    exercise: object  # the exercise a code item is about, else None
    options: list  # the numbered options as written ({ja, en} each)
    order: tuple  # the written option numbers in the order shown (empty: no options)
    started: float = 0.0
    instance: object = None  # the item as asked, when its kind draws a variant (quiz.kinds.generated)
    set_place: tuple | None = None  # (k, n): the kth of n items of its question set asked in a row here

    @property
    def question(self):
        return self.instance if self.instance is not None else self.served.question

    def shown_options(self) -> list[tuple[int, dict]]:
        """(shown number, option) in the order shown."""
        return [(i, self.options[orig - 1]) for i, orig in enumerate(self.order, 1)]

    def prompt(self, lang: str) -> str:
        q, ex = self.question, self.exercise
        return (text(q.prompt, lang) or (text(ex.statement, lang) if ex is not None else "")).strip()

    def key(self, lang: str) -> str:
        """The key, numbered as the options were shown."""
        return kinds.key_text(self.question, lang, self.order, self.exercise)

    def explanation(self, lang: str) -> str:
        """The explanation, its option numbers renumbered as the options were shown."""
        from quiz.optrefs import renumber

        q, ex = self.question, self.exercise
        return renumber(text(q.explanation, lang) or (text(ex.explanation, lang) if ex is not None else ""),
                        self.order).strip()

    def misconception(self, answer: str):
        """For a wrong answer: the exercise's misconception for a code item's picked line, or the
        named mistake the answer made (a generated item), if any; `.feedback` is {ja, en}."""
        ex = self.exercise
        if ex is None:
            return self.kind.mistake(self.question, answer)
        if not answer.isdigit() or not 1 <= int(answer) <= len(ex.options):
            return None
        from quiz.grading import match_misconception

        return match_misconception(ex, ex.options[int(answer) - 1], [])


@dataclass
class Outcome:
    """A recorded answer."""

    turn: Turn
    judgement: answers.Judgement
    correct: bool


class View(Protocol):
    """What Session.play asks of a view. `line` raises EOFError when the learner stops."""

    def card(self, turn: Turn) -> None: ...
    def line(self) -> str: ...
    def invalid(self, turn: Turn, judgement: answers.Judgement) -> None: ...
    def passed(self, turn: Turn) -> None: ...
    def reveal(self, turn: Turn, judgement: answers.Judgement) -> None: ...
    def grade_again(self, turn: Turn) -> None: ...
    def verdict(self, outcome: Outcome) -> None: ...
    def stopped(self) -> None: ...


class Session:
    """One run: `next` says what to ask, `judge` reads a line, `record` stores the answer."""

    def __init__(self, served: list[Served], store, exercises: dict, seed: int | None, policy: Policy = PRACTICE,
                 clock: Callable[[], float] = time.monotonic):
        self.queue = list(served)
        self.store = store
        self.exercises = exercises
        self.seed = seed  # orders the options (quiz and review always pass one); None: as written
        self.policy = policy
        self.clock = clock
        self.run_id = os.urandom(6).hex()  # 12 hex digits; not uuid, whose import pulls in platform (~5 ms)
        self.tally = session.Tally()
        self.outcomes: list[Outcome] = []
        self.finished = False
        self._pos = 0
        self._rounds: dict[str, int] = {}  # how often each item was served in this run
        self._requeued: set[int] = set()
        self._began = clock()

    def next(self) -> Turn | None:
        """The next question, or None when the run is over (every item asked, or time is up)."""
        limit = self.policy.time_limit
        if self._pos >= len(self.queue) or (limit is not None and self.clock() - self._began >= limit):
            return None
        item = self.queue[self._pos]
        self._pos += 1
        rnd = self._rounds[item.record_id] = self._rounds.get(item.record_id, -1) + 1
        return self.turn_for(item, self._pos, len(self.queue), rnd)

    def turn_for(self, item: Served, n: int, total: int, rnd: int = 0) -> Turn:
        """The turn that asks `item` as the `n`th of `total`; `rnd` counts its earlier servings in
        the run (a generated item's variant and the options' order follow the seed and `rnd`, so
        the same seed builds the same turn again: a mock exam revisits and resumes its items)."""
        kind = kinds.of(item.question)
        q = kind.serve(item.question, self.seed, rnd)  # a generated item: a fresh variant at every serving
        ex = kind.exercise(q, self.exercises)
        options = kind.options(q, ex)
        order: tuple[int, ...] = ()
        if options:  # shown in a new order at every attempt; judged and recorded by the original number
            order = session.option_order(self.seed, q.id, len(options), q.shuffle and self.seed is not None, rnd)
        return Turn(item, n, total, kind, ex, options, order, started=self.clock(),
                    instance=q if q is not item.question else None, set_place=self._set_place(n - 1))

    def _set_place(self, i: int) -> tuple | None:
        """Where the item at queue position `i` stands in the run of its set's items around it: (k, n),
        the kth of the run's n distinct items (a miss asked again is not one more item of the set)."""
        sid = self._set_of(i)
        if sid is None:
            return None
        first = i
        while first > 0 and self._set_of(first - 1) == sid:
            first -= 1
        last = i
        while last + 1 < len(self.queue) and self._set_of(last + 1) == sid:
            last += 1
        ids = list(dict.fromkeys(self.queue[j].question.id for j in range(first, last + 1)))
        return (ids.index(self.queue[i].question.id) + 1, len(ids))

    def _set_of(self, i: int) -> str | None:
        return getattr(self.queue[i].question, "set_id", None) if 0 <= i < len(self.queue) else None

    def _requeue_at(self, item: Served) -> int:
        """Where a miss comes back: `requeue_gap` questions later, but never inside a run of a set's
        items, nor beside its own set's run (it is asked on its own, with its context)."""
        at = min(len(self.queue), self._pos + self.policy.requeue_gap)
        own = getattr(item.question, "set_id", None)
        while at < len(self.queue) and ((self._set_of(at) is not None and self._set_of(at) == self._set_of(at - 1))
                                        or (own is not None and own in (self._set_of(at - 1), self._set_of(at)))):
            at += 1
        return at

    def judge(self, turn: Turn, line: str) -> answers.Judgement:
        """The judgement of one line; `invalid` ones are asked again and count nothing."""
        ex = turn.exercise
        return answers.judge(turn.question, line, right_option=ex.answer if ex is not None else None,
                             order=turn.order or None)

    def record(self, turn: Turn, j: answers.Judgement) -> Outcome:
        """Store the answer at once, count it, and requeue a miss if the policy says so."""
        item, q = turn.served, turn.question
        correct = bool(j.correct)
        self.store.record(self.attempt(turn, j, int((self.clock() - turn.started) * 1000), self.run_id))
        self.tally.add(q, correct, j.answer, item.record_id)
        if self.policy.requeue_misses and not correct and id(item) not in self._requeued:
            self._requeued.add(id(item))
            self.queue.insert(self._requeue_at(item), item)  # a few questions later
        outcome = Outcome(turn, j, correct)
        self.outcomes.append(outcome)
        return outcome

    def attempt(self, turn: Turn, j: answers.Judgement, duration_ms: int | None, run: str):
        """The Attempt that records judgement `j` of `turn` in the log, under session `run`."""
        from quiz.store import Attempt

        item, q, ex = turn.served, turn.question, turn.exercise
        detail = dict(item.detail)
        if turn.kind.self_graded:
            detail.update(type=q.type, hits=j.hits)
        if turn.order and list(turn.order) != sorted(turn.order):  # the answer is the original number; this is what was shown
            detail.update(order=list(turn.order))
        if j.passed:
            detail.update(dont_know=True)
        detail.update(turn.kind.recorded(q, j))
        record_hash = q.content_hash if item.kind == "question" else (ex.content_hash if ex else q.content_hash)
        return Attempt(item_id=item.record_id, kind=item.kind, correct=bool(j.correct), answer=j.answer,
                       duration_ms=duration_ms, session=run, item_hash=record_hash, detail=detail or None)

    def play(self, view: View) -> bool:
        """Ask every question through `view` until the run is over or the learner stops (EOF,
        Ctrl-C); every answer is recorded as it is given. True if the run was finished."""
        try:
            while (turn := self.next()) is not None:
                view.card(turn)
                turn.started = self.clock()  # the answer's time starts when the card is up
                while True:
                    j = self.judge(turn, view.line())
                    if not j.invalid:
                        break
                    view.invalid(turn, j)
                if j.passed:
                    view.passed(turn)
                if j.pending or (j.passed and turn.kind.self_graded):
                    view.reveal(turn, j)
                    while j.pending:
                        grade = answers.self_grade(view.line())
                        if grade is None:
                            view.grade_again(turn)
                            continue
                        j.correct, j.pending = grade, False
                outcome = self.record(turn, j)
                if self.policy.verdict_each:
                    view.verdict(outcome)
            self.finished = True
        except (EOFError, KeyboardInterrupt):
            view.stopped()
        return self.finished
