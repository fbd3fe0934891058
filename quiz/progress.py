"""Where the learner stands: coverage, recency-weighted accuracy, streak, activity, readiness.

Everything is computed from the attempt log (and, for readiness, the review state derived from
it). No printing here; the stats command renders what compute() returns.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

from quiz.store import SUMMARY_MARK, Store

HALF_LIFE_DAYS = 14.0  # an answer two weeks old weighs half as much as one given today
ACTIVITY_DAYS = 28


def compute(store: Store, questions, exercises, now: datetime | None = None, exam_date: date | None = None,
            day: int | None = None) -> dict:
    now = now or datetime.now(timezone.utc)
    today = now.astimezone().date()
    items: dict[str, tuple[int, int, str, str]] = {}  # id -> (day, section, kind, content hash)
    generated = {q.id for q in questions if q.type == "generated"}
    for q in questions:
        if q.type != "code":  # a code item is the exercise's own question; the exercise counts it
            items[q.id] = (q.day, q.section, "question", q.content_hash)
    for ex in exercises.values():
        items[ex.id] = (ex.day, ex.section, "exercise", ex.content_hash)
    code_to_exercise = {q.id: exercises[q.exercise].id for q in questions if q.type == "code" and q.exercise in exercises}

    fold(store)
    since = (today - timedelta(days=ACTIVITY_DAYS)).isoformat()
    summary = store.summaries(since)
    per_item_day, latest, outcomes = summary["per_item_day"], summary["latest"], summary["exercises"]

    sections: dict[tuple[int, int], dict] = {}
    for item_id, (d, s, kind, _) in items.items():
        if day is not None and d != day:
            continue
        sec = sections.setdefault((d, s), {"day": d, "section": s, "items": 0, "seen": 0, "attempts": 0,
                                           "weighted_right": 0.0, "weight": 0.0, "exercises": 0, "exercises_passed": 0,
                                           "generators": 0, "generators_mastered": 0})
        sec["items"] += 1
        if kind == "exercise":
            sec["exercises"] += 1
        if item_id in generated:
            sec["generators"] += 1
    for item_id in mastered_generators(store, [i for i in generated if i in items and items[i][:2] in sections]):
        sections[items[item_id][:2]]["generators_mastered"] += 1
    seen: set[str] = set()
    weights: dict[str, float] = {}  # one weight per UTC day (a few hundred), not per row

    def weight(d_text: str) -> float:
        w = weights.get(d_text)
        if w is None:
            age = max(0, (now.date() - date.fromisoformat(d_text[:10])).days)
            w = weights[d_text] = 0.5 ** (age / HALF_LIFE_DAYS)
        return w

    for item_id, d_text, right, count in per_item_day:  # answers (submissions are not among them)
        item_id = code_to_exercise.get(item_id, item_id)
        key = items[item_id][:2] if item_id in items else None
        if key not in sections:
            continue
        sec = sections[key]
        w = weight(d_text)
        sec["attempts"] += count
        sec["weighted_right"] += w * right
        sec["weight"] += w * count
        seen.add(item_id)
    for item_id, submissions, first_pass_at, last_at in outcomes:
        # an exercise is one answer whose outcome is its state: passed once = passed, dated by its
        # first pass (or its latest try); every submission still counts in the history (attempts)
        key = items[item_id][:2] if item_id in items else None
        if key not in sections:
            continue
        sec = sections[key]
        w = weight(first_pass_at or last_at)
        sec["attempts"] += submissions
        sec["weighted_right"] += w if first_pass_at else 0.0
        sec["weight"] += w
        sec["exercises_passed"] += 1 if first_pass_at else 0
        seen.add(item_id)
    for item_id in seen:
        sections[items[item_id][:2]]["seen"] += 1
    from quiz.sections import names, stage_key

    section_names = names()
    rows = []
    for key in sorted(sections):
        sec = sections[key]
        accuracy = sec["weighted_right"] / sec["weight"] if sec["weight"] else None
        rows.append({
            "day": sec["day"], "stage": stage_key(sec["day"]), "section": sec["section"], "name": section_names.get(key),
            "items": sec["items"], "seen": sec["seen"],
            "coverage": round(sec["seen"] / sec["items"], 4) if sec["items"] else 0.0,
            "accuracy": round(accuracy, 4) if accuracy is not None else None,
            "attempts": sec["attempts"], "exercises": sec["exercises"], "exercises_passed": sec["exercises_passed"],
            "generators": sec["generators"], "generators_mastered": sec["generators_mastered"],
        })
    practised = [r for r in rows if r["accuracy"] is not None]
    weakest = sorted(practised, key=lambda r: (r["accuracy"], r["coverage"]))
    changed = sorted(item for item, _, h in latest if item in items and h and h != items[item][3])

    counts = {date.fromisoformat(d): n for d, n in summary["activity"] if d}
    activity = [{"date": (today - timedelta(days=i)).isoformat(), "count": counts.get(today - timedelta(days=i), 0)}
                for i in range(ACTIVITY_DAYS - 1, -1, -1)]
    return {
        "total_attempts": summary["total"],
        "sections": rows,
        "weakest": [{"day": r["day"], "stage": r["stage"], "section": r["section"], "name": r["name"], "accuracy": r["accuracy"]}
                    for r in weakest[:3]],
        "streak": _streak(summary["days"], today),
        "activity": activity,
        "changed_items": changed,
        # a date that has passed gets no forecast (it would promise the recall of today)
        "readiness": _readiness(store, items, sections, exam_date, now) if exam_date and exam_date >= today else None,
        "exam_date_passed": exam_date.isoformat() if exam_date and exam_date < today else None,
        "half_life_days": HALF_LIFE_DAYS,
    }


def mastered_generators(store: Store | None, item_ids) -> set[str]:
    """The generated items among `item_ids` the learner has mastered: three fresh variants right
    in a row (quiz.kinds.generated.mastered_in), from each one's last three attempts only."""
    ids = sorted(item_ids)
    if store is None or not ids:
        return set()
    from quiz.kinds.generated import mastered_in

    return {item for item, rows in store.last_answers(ids, 3).items() if mastered_in(rows)}


def fold(store: Store) -> None:
    """Bring the stats summaries up to date with the log (only the rows added since last time)."""
    if store.folded_up_to(SUMMARY_MARK) >= store.last_attempt_id():
        return
    with store.transaction("update the stats summaries in"):
        _fold_new(store)


def rebuild(store: Store) -> None:
    """Drop the summaries and fold the whole log again, in one transaction: a failure leaves them as they were."""
    with store.transaction("rebuild the stats summaries in"):
        store.clear_summaries()
        _fold_new(store)


def _fold_new(store: Store) -> None:
    """Inside a transaction: fold the rows added since the summaries were last brought up to date."""
    last, top = store.folded_up_to(SUMMARY_MARK), store.last_attempt_id()
    if top > last:
        store.fold_summaries(last, top)


def _streak(local_days: set[str], today: date) -> int:
    """Consecutive days with at least one answer, ending today (or yesterday, if none yet today)."""
    days = {date.fromisoformat(d) for d in local_days if d}
    day = today
    if day not in days:
        day -= timedelta(days=1)
    n = 0
    while day in days:
        n += 1
        day -= timedelta(days=1)
    return n


def _readiness(store: Store, items: dict, sections: dict, exam_date: date, now: datetime) -> dict:
    from quiz import review

    review.sync(store)
    cards = review.cards(store)
    when = datetime.combine(exam_date, datetime.min.time().replace(hour=9), tzinfo=now.astimezone().tzinfo)
    if when < now:
        when = now
    per_section: dict[tuple[int, int], list[float]] = defaultdict(list)
    for item_id, card in cards.items():
        if item_id in items and items[item_id][:2] in sections and card.get("stability") is not None:
            per_section[items[item_id][:2]].append(review.retrievability(card, when))
    out = []
    for key in sorted(sections):
        probs = per_section.get(key, [])
        out.append({"day": key[0], "section": key[1], "practised": len(probs), "items": sections[key]["items"],
                    "recall": round(sum(probs) / len(probs), 4) if probs else None})
    practised = [p for probs in per_section.values() for p in probs]
    return {
        "exam_date": exam_date.isoformat(),
        "days_left": max(0, (exam_date - now.astimezone().date()).days),
        "sections": out,
        "overall": round(sum(practised) / len(practised), 4) if practised else None,
        "practised_items": len(practised),
        "caveat": "covers only the items you have practised / 演習した問題だけが対象です",
    }


def sparkline(values: list[int]) -> str:
    blocks = " ▁▂▃▄▅▆▇█"
    top = max(values) if values else 0
    if not top:
        return "·" * len(values)
    return "".join(blocks[0 if v == 0 else max(1, math.ceil(8 * v / top))] for v in values)
