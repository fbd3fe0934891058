"""A quiz session: which questions, in what order, and the tally. No I/O of its own."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from quiz.bank import Question


class SelectionError(ValueError):
    pass


def parse_day(text: str) -> int:
    """day3, Day3, 3, d3 → 3."""
    m = re.fullmatch(r"(?:day|d)?\s*([1-4])", text.strip().lower())
    if not m:
        raise SelectionError(text)
    return int(m.group(1))


WEAK_ACCURACY = 0.7  # below this share of right answers an item counts as weak


@dataclass(frozen=True)
class ItemRecord:
    """What the attempt log says about one item: how often answered, how often right, the last verdict."""
    answers: int
    right: int
    last_correct: bool


def priority(record: ItemRecord | None) -> tuple:
    """Unseen first, then weak (missed last time, then the lowest accuracy), then the rest."""
    if record is None or record.answers == 0:
        return (0, 0, 0.0)
    accuracy = record.right / record.answers
    if not record.last_correct or accuracy < WEAK_ACCURACY:
        return (1, int(record.last_correct), accuracy)
    return (2, 0, 0.0)


def select(questions: list[Question], day: int | None, section: int | None = None, count: int | None = None,
           seed: int | None = None, only: set[str] | None = None,
           record: dict[str, ItemRecord] | None = None) -> list[Question]:
    """The questions of one day (None: every day; and section), at most `count` of them (None: all): unseen first,
    then weak, then the rest (`record` is the attempt log's view, Store.item_records), each group
    shuffled by `seed`. A question set's items come together and in order, ranked by its most
    urgent item (quiz.qsets). Same seed and same record, same session."""
    from quiz import qsets

    pool = [q for q in questions if (day is None or q.day == day) and (section is None or q.section == section)]
    if only is not None:
        pool = [q for q in pool if q.id in only]
    units = qsets.units(pool)
    rng = random.Random(seed)
    rng.shuffle(units)  # a bank without sets: one item per unit, the same shuffle as ever
    if record:
        units.sort(key=lambda u: min(priority(record.get(q.id)) for q in u))  # stable: the shuffle orders each group
    return qsets.take(units, count)


def option_order(seed: int | None, item_id: str, n: int, shuffle: bool = True, round_: int = 0) -> tuple[int, ...]:
    """The original (1-based) option numbers in the order they are shown. Seeded by the session's
    seed and the item, so --seed replays the same order; `round_` > 0 for a repeat in one run."""
    order = list(range(1, n + 1))
    if shuffle and n > 1:
        random.Random(f"{seed}:{item_id}:{round_}").shuffle(order)
    return tuple(order)


def shown_number(order: tuple[int, ...], original: int) -> int:
    """Where option `original` appears in the displayed numbering."""
    return order.index(original) + 1


@dataclass
class Result:
    question: Question
    correct: bool
    answer: str
    record_id: str = ""  # the id the answer was recorded under (an exercise's, for its code item)


@dataclass
class Tally:
    results: list[Result] = field(default_factory=list)

    def add(self, q: Question, correct: bool, answer: str, record_id: str = "") -> None:
        self.results.append(Result(q, correct, answer, record_id or q.id))

    @property
    def asked(self) -> int:
        return len(self.results)

    @property
    def correct(self) -> int:
        return sum(r.correct for r in self.results)

    def by_section(self) -> list[tuple[int, int, int, int]]:
        """(day, section, asked, correct), in section order."""
        rows: dict[tuple[int, int], list[int]] = {}
        for r in self.results:
            row = rows.setdefault((r.question.day, r.question.section), [0, 0])
            row[0] += 1
            row[1] += r.correct
        return [(d, s, a, c) for (d, s), (a, c) in sorted(rows.items())]

    def summary(self, planned: int, seed: int | None, finished: bool) -> dict:
        return {
            "asked": self.asked,
            "correct": self.correct,
            "planned": planned,
            "finished": finished,
            "seed": seed,
            "score": round(self.correct / self.asked, 4) if self.asked else None,
            "sections": [{"day": d, "section": s, "asked": a, "correct": c} for d, s, a, c in self.by_section()],
            "items": [{"id": r.record_id, "correct": r.correct, "answer": r.answer, "section": r.question.section}
                      for r in self.results],
        }
