"""Where the learner stands on the syllabus map: per syllabus item and per result area, how many
bank items it has, how many the learner has answered, recent accuracy, what is due for review.

Computed from the same folded summaries as rabbit stats (quiz.progress), weighted the same way
(an answer two weeks old weighs half as much). A question or exercise counts under every id it
names; a code item is its exercise's question and counts as the exercise. No printing here.
`store` may be None (a learner with no database yet): nothing answered, and no sqlite3 imported.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone



def _members(questions, exercises) -> dict[str, set[str]]:
    """syllabus id -> the ids (as recorded in the log) of the bank items that practise it."""
    out: dict[str, set[str]] = defaultdict(set)
    for q in questions:
        if q.type != "code":
            for t in q.syllabus:
                out[t].add(q.id)
    for ex in exercises.values():
        for t in ex.syllabus:
            out[t].add(ex.id)
    return out


def _per_item(store, questions, exercises, now: datetime) -> dict[str, list[float]]:
    """item id -> [weighted right, weight, attempts], for every item the learner has answered."""
    if store is None:
        return {}
    from quiz.progress import HALF_LIFE_DAYS, fold

    code_to_exercise = {q.id: exercises[q.exercise].id for q in questions if q.type == "code" and q.exercise in exercises}
    fold(store)
    summary = store.summaries(now.date().isoformat())
    weights: dict[str, float] = {}

    def weight(day: str) -> float:
        w = weights.get(day)
        if w is None:
            age = max(0, (now.date() - date.fromisoformat(day[:10])).days)
            w = weights[day] = 0.5 ** (age / HALF_LIFE_DAYS)
        return w

    out: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for item_id, w_right, w_count, count in store.weighted_answers(weight):
        row = out[code_to_exercise.get(item_id, item_id)]
        row[0] += w_right
        row[1] += w_count
        row[2] += count
    for item_id, submissions, first_pass_at, last_at in summary["exercises"]:
        # an exercise's outcome is its state: passed once = passed (as rabbit stats counts it)
        row = out[item_id]
        w = weight(first_pass_at or last_at)
        row[0] += w if first_pass_at else 0.0
        row[1] += w
        row[2] += submissions
    return dict(out)


def _due(store, now: datetime) -> set[str]:
    if store is None:
        return set()
    from quiz import review
    from quiz.store import REVIEW_MARK

    if store.folded_up_to(REVIEW_MARK) < store.last_attempt_id():  # a write only when there is news
        review.sync(store)
    return {item for item, _ in review.due_items(store, now)}


def _mastered(store, generated: set[str]) -> set[str]:
    if store is None or not generated:
        return set()
    from quiz.progress import mastered_generators

    return mastered_generators(store, generated)


def _tally(ids: set[str], answers: dict, due: set[str]) -> dict:
    answered = [i for i in ids if i in answers]
    right = sum(answers[i][0] for i in answered)
    total = sum(answers[i][1] for i in answered)
    accuracy = right / total if total else None
    return {"items": len(ids), "answered": len(answered),
            "accuracy": round(accuracy, 4) if accuracy is not None else None,
            "attempts": int(sum(answers[i][2] for i in answered)), "due": len(ids & due)}


def status(row: dict) -> str:
    """no-items (the bank has nothing for it yet) | untouched | weak | ok."""
    from quiz.session import WEAK_ACCURACY

    if not row["items"]:
        return "no-items"
    if not row["answered"]:
        return "untouched"
    if row["accuracy"] is not None and row["accuracy"] < WEAK_ACCURACY:
        return "weak"
    return "ok"


def by_topic(store, questions, exercises, syllabus, now: datetime | None = None) -> list[dict]:
    """One row per syllabus item, in the outline's order."""
    now = now or datetime.now(timezone.utc)
    members = _members(questions, exercises)
    answers = _per_item(store, questions, exercises, now)
    due = _due(store, now)
    generated = {q.id for q in questions if q.type == "generated"}
    mastered = _mastered(store, generated)
    rows = []
    for t in syllabus.topics.values():
        ids = members.get(t.id, set())
        row = {"id": t.id, "chapter": t.chapter, "section": t.section, "area": t.area, "name": t.name,
               "section_name": t.section_name, "chapter_name": t.chapter_name, "area_name": syllabus.areas[t.area],
               "shading": t.shading, **_tally(ids, answers, due),
               "generators": len(ids & generated), "generators_mastered": len(ids & mastered)}
        row["status"] = status(row)
        rows.append(row)
    return rows


def by_area(store, questions, exercises, syllabus, now: datetime | None = None) -> list[dict]:
    """One row per result area (応用数学, 機械学習, 深層学習, 開発環境): an item counts once in each area
    its ids fall under."""
    now = now or datetime.now(timezone.utc)
    members = _members(questions, exercises)
    answers = _per_item(store, questions, exercises, now)
    due = _due(store, now)
    per_area: dict[str, set[str]] = {a: set() for a in syllabus.areas}
    for t in syllabus.topics.values():
        per_area[t.area] |= members.get(t.id, set())
    rows = []
    for area, name in syllabus.areas.items():
        row = {"area": area, "name": name, "topics": sum(1 for t in syllabus.topics.values() if t.area == area),
               **_tally(per_area[area], answers, due)}
        row["coverage"] = round(row["answered"] / row["items"], 4) if row["items"] else 0.0
        rows.append(row)
    return rows
