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
MOCK_EXAMS = 3  # readiness pools the last few completed mock exams, area by area
VERDICT_Z = 2.0  # above/below the published average only when the gap exceeds about two standard errors
TREND_EXAMS = 3  # rabbit exams: the direction of the last few completed exams


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
    latest, outcomes = summary["latest"], summary["exercises"]

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

    for item_id, w_right, w_count, count in store.weighted_answers(weight):  # answers (submissions are not among them)
        item_id = code_to_exercise.get(item_id, item_id)
        key = items[item_id][:2] if item_id in items else None
        if key not in sections:
            continue
        sec = sections[key]
        sec["attempts"] += count
        sec["weighted_right"] += w_right
        sec["weight"] += w_count
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
        "last_exam": last_exam(store),
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
        "mock": mock_part(store.exam_list()),
    }


# -- mock exams: the last one, the pooled areas of the last few, the trend ----------------
def _completed(exams: list[dict]) -> list[dict]:
    return [e for e in exams if e["state"] == "completed" and e["result"]]


def _published(area: str, stored: dict | None) -> float:
    """The published average an exam was scored against (as stored), else today's."""
    from quiz.exam.result import PUBLISHED

    return stored["published"] if stored and stored.get("published") is not None else PUBLISHED["areas"][area]


def last_exam(store: Store) -> dict | None:
    """The last completed mock exam: id, date, score and each area beside its published average."""
    row = store.exam_latest_completed()
    if row is None or not row["result"]:
        return None
    res = row["result"]
    finished = datetime.fromisoformat(row["finished"] or row["started"])
    return {"id": row["id"], "date": finished.astimezone().date().isoformat(), "finished": row["finished"],
            "score": res.get("score"), "correct": res.get("correct"), "asked": res.get("asked"),
            "published_sitting": res.get("published"),
            "areas": [{"area": a["area"], "name": a.get("name"), "correct": a["correct"], "asked": a["asked"],
                       "rate": a.get("rate"), "published": _published(a["area"], a)} for a in res.get("areas", [])]}


def verdict(correct: int, asked: int, published: float) -> str | None:
    """above / near / below the published average (percent), the gap weighed against the standard
    error; the error is the larger of sqrt(p(1-p)/n) at your rate and at the average's, so that a
    rate of 0 % or 100 % from a few questions does not pass for a certainty."""
    if not asked:
        return None
    p, p0 = correct / asked, published / 100
    err = max(math.sqrt(p * (1 - p) / asked), math.sqrt(p0 * (1 - p0) / asked))
    if p - p0 > VERDICT_Z * err:
        return "above"
    if p0 - p > VERDICT_Z * err:
        return "below"
    return "near"


def mock_part(exams: list[dict]) -> dict | None:
    """The last MOCK_EXAMS completed mock exams, pooled per area (correct and asked summed), each
    rate with its standard error sqrt(p(1-p)/n) beside the published average, and a verdict."""
    from quiz.syllabus import AREAS

    last = _completed(exams)[-MOCK_EXAMS:]
    if not last:
        return None
    pooled = {a: {"area": a, "name": None, "correct": 0, "asked": 0, "published": None} for a in AREAS}
    for e in last:
        for a in e["result"].get("areas", []):
            if a["area"] in pooled:
                row = pooled[a["area"]]
                row["correct"] += a["correct"]
                row["asked"] += a["asked"]
                row["name"] = a.get("name") or row["name"]
                row["published"] = _published(a["area"], a)
    areas = []
    for a, row in pooled.items():
        n, c = row["asked"], row["correct"]
        pub = row["published"] if row["published"] is not None else _published(a, None)
        p = c / n if n else None
        areas.append({**row, "published": pub, "rate": round(100 * p, 1) if n else None,
                      "se": round(100 * math.sqrt(p * (1 - p) / n), 1) if n else None, "verdict": verdict(c, n, pub)})
    return {"exams": [e["id"] for e in last], "asked": sum(r["asked"] for r in areas), "areas": areas,
            "published_sitting": last[-1]["result"].get("published"), "z": VERDICT_Z,
            "how": "shown beside the predicted recall, not mixed into it / 想起率の予測とは別に並べて表示 (混ぜない)",
            "caveat": "a small sample: with n questions a rate's standard error is about sqrt(p(1-p)/n) / 問題数が少ないと誤差が大きい"}


def exam_changes(exams: list[dict]) -> dict[int, float | None]:
    """exam id -> its score's change in points against the previous completed exam (None for the
    first); paused exams are not in it."""
    out, prev = {}, None
    for e in _completed(exams):
        score = e["result"].get("score")
        if score is None:
            continue
        out[e["id"]] = None if prev is None else round(100 * score - 100 * prev, 1)
        prev = score
    return out


def sparkline(values: list[int], top: int | None = None) -> str:
    """One block per value, scaled to `top` (default: the largest value)."""
    blocks = " ▁▂▃▄▅▆▇█"
    top = top if top is not None else max(values) if values else 0
    if not top:
        return "·" * len(values)
    return "".join(blocks[0 if v == 0 else min(8, max(1, math.ceil(8 * v / top)))] for v in values)
