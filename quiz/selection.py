"""What rabbit review serves: the items due (most overdue first), then, with --cram, the rest.

A plain function of the store and the bank; the review command only renders what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from quiz import review
from quiz.store import Store


@dataclass(frozen=True)
class Pick:
    """One item to review: the question to ask, and under which id and kind its answer is recorded."""

    question: object  # a bank Question; an exercise is reviewed through its code-choice question
    record_id: str
    kind: str  # 'question' | 'exercise'
    detail: dict = field(default_factory=dict)  # recorded with the answer ({"via": "review"}, {"cram": True})
    changed: bool = False  # the item's text changed since it was last answered


@dataclass(frozen=True)
class ReviewQueue:
    picks: list[Pick]
    next_due: datetime | None  # when the next card falls due, if nothing is served


def review_queue(store: Store, questions: list, exercises: dict, count: int, cram: bool = False,
                 now: datetime | None = None) -> ReviewQueue:
    """Up to `count` items: due ones first; with `cram`, then the practised ones least likely to be
    recalled, then the unseen ones (cram answers do not move the schedule)."""
    now = now or datetime.now(timezone.utc)
    review.sync(store)
    by_id = {q.id: q for q in questions}
    code_items = {q.exercise: q for q in questions if q.type == "code"}
    by_exercise_id = {ex.id: ex for ex in exercises.values()}
    last_hash = store.last_hashes_ignoring_cram()

    def pick(item_id: str, extra: dict | None = None) -> Pick | None:
        q = by_id.get(item_id)
        if q is not None and q.type != "code":
            changed = bool(last_hash.get(item_id)) and last_hash[item_id] != q.content_hash
            return Pick(q, item_id, "question", dict(extra or {}), changed)
        ex = by_exercise_id.get(item_id)
        if ex is not None and ex.name in code_items:  # an exercise is reviewed through its four candidate lines
            changed = bool(last_hash.get(item_id)) and last_hash[item_id] != ex.content_hash
            return Pick(code_items[ex.name], ex.id, "exercise", {"via": "review", **(extra or {})}, changed)
        return None  # no longer in the bank

    picks = [p for p in (pick(item) for item, _ in review.due_items(store, now)) if p][:count]
    if cram and len(picks) < count:
        cards = review.cards(store)
        due = {p.record_id for p in picks}
        ahead = sorted((review.retrievability(card, now), item) for item, card in cards.items()
                       if item not in due and card.get("stability") is not None)
        extra = [p for p in (pick(item, {"cram": True}) for _, item in ahead) if p]
        unseen = [p for p in (pick(i, {"cram": True}) for i in list(by_id) + list(by_exercise_id)
                              if i not in cards and not (i in by_id and by_id[i].type == "code")) if p]
        picks += (extra + unseen)[: count - len(picks)]
    next_due = None
    if not picks:
        upcoming = sorted(c["due"] for c in review.cards(store).values())
        next_due = datetime.fromisoformat(upcoming[0]) if upcoming else None
    return ReviewQueue(picks, next_due)
