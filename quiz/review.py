"""Spaced review with FSRS (the `fsrs` package, major version 6), kept behind this one module.

The review state is derived from the attempt log and stored in `review_state` only as a cache:
sync() folds in the attempts it has not seen yet, rebuild() replays the whole log. Every
answer counts, from quizzes, submissions and reviews alike: correct → Good, wrong → Again.
Cram answers (review --cram) are left out so that cramming does not wreck the schedule, and a run
of failing submissions of one exercise (the saves of rabbit watch) is one miss, not one per save.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from quiz.store import REVIEW_MARK, Store


def _parse_time(text: str) -> datetime:
    t = datetime.fromisoformat(text)
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _detail(detail: str | None) -> dict:
    if not detail:
        return {}
    try:
        d = json.loads(detail)
    except ValueError:
        return {}
    return d if isinstance(d, dict) else {}


def _failed_submission(kind: str, correct: int, detail: str | None) -> bool:
    """A failing `rabbit submit` / watch save (a review of the candidate lines has detail.via)."""
    return kind == "exercise" and not correct and _detail(detail).get("via") is None


def _scheduler():
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=False)  # deterministic: the same log gives the same schedule


def sync(store: Store) -> int:
    """Fold new attempts into the review state; returns how many were folded in."""
    with store.transaction("update the review state in"):
        rows = store.review_rows(after=store.folded_up_to(REVIEW_MARK))
        if not rows:
            return 0
        folded = _fold(store, rows, _failing_before(store, rows))
        store.mark_folded(REVIEW_MARK, rows[-1][0])
        return folded


def rebuild(store: Store) -> int:
    """Forget the derived state and replay the whole log in time order (after an import)."""
    with store.transaction("rebuild the review state in"):
        store.clear_review_state()
        folded = _fold(store, store.review_rows(by_time=True), set())
        store.mark_folded(REVIEW_MARK, store.last_attempt_id())
        return folded


def _failing_before(store: Store, rows) -> set[str]:
    """Items of this batch whose attempt just before it (already folded) was a failing submission."""
    first: dict[str, int] = {}
    for attempt_id, item_id, correct, _, detail, kind, _ in rows:
        if item_id not in first and _failed_submission(kind, correct, detail):
            first[item_id] = attempt_id
    out = set()
    for item_id, attempt_id in first.items():
        prev = store.attempt_before(item_id, attempt_id)
        if prev and _failed_submission(prev[2], prev[0], prev[1]):
            out.add(item_id)
    return out


def _fold(store: Store, rows, failing: set[str]) -> int:
    """Fold `rows` in order; `failing`: items whose last attempt before them was a failing submission."""
    from fsrs import Card, Rating

    scheduler = _scheduler()
    cards = {item: Card.from_dict(json.loads(card))
             for item, card in store.review_cards(sorted({r[1] for r in rows})).items()}
    last_id = {}
    folded = 0
    failing = set(failing)
    for attempt_id, item_id, correct, answered_at, detail, kind, cram in rows:
        if cram:
            continue
        if _failed_submission(kind, correct, detail):
            if item_id in failing:
                continue  # the same unsolved try, saved again
            failing.add(item_id)
        else:
            failing.discard(item_id)
        card = cards.get(item_id) or Card()
        when = _parse_time(answered_at)
        if card.last_review is not None and when < card.last_review:
            when = card.last_review  # out-of-order rows (an import) are folded at the latest time seen
        cards[item_id], _ = scheduler.review_card(card, Rating.Good if correct else Rating.Again, review_datetime=when)
        last_id[item_id] = attempt_id
        folded += 1
    store.save_review_cards([(item, json.dumps(cards[item].to_dict()), last_id[item]) for item in last_id])
    return folded


def cards(store: Store) -> dict[str, dict]:
    """item_id -> the card as a plain dict (due, stability, last_review ... as stored)."""
    return {item: json.loads(card) for item, card in store.review_cards().items()}


def due_items(store: Store, now: datetime | None = None) -> list[tuple[str, datetime]]:
    """(item_id, due) of every card due by `now`, most overdue first."""
    now = now or datetime.now(timezone.utc)
    out = []
    for item, card in cards(store).items():
        due = _parse_time(card["due"])
        if due <= now:
            out.append((item, due))
    return sorted(out, key=lambda x: x[1])


def retrievability(card: dict, when: datetime) -> float:
    """The predicted probability of recalling the item at `when`."""
    from fsrs import Card

    return float(_scheduler().get_card_retrievability(Card.from_dict(card), current_datetime=when))
