"""The result of a mock exam: the score overall, by the official result's four areas and by
syllabus chapter, beside the published averages, the time used and the weakest syllabus items.
A plain function of a finished sitting; the command renders it (and stores it as JSON)."""

from __future__ import annotations

from collections import defaultdict

# JDLA's published average score per area, 2025#1 (1,043 sat, 68.26 % passed): ../shared/SYLLABUS.md
PUBLISHED = {"sitting": "2025#1", "areas": {"math": 61.14, "ml": 62.15, "dl": 57.71, "dev": 68.74}}
WEAKEST = 5  # syllabus items listed as the weakest


def _rate(correct: int, asked: int) -> float | None:
    return round(100 * correct / asked, 1) if asked else None


def score(sitting, syllabus, minutes: float, time_left: float) -> dict:
    """What the result sheet shows; an unanswered item counts as asked and wrong."""
    items = []
    for k, (turn, pos) in enumerate(zip(sitting.turns, sitting.positions)):
        q = turn.served.question
        given = sitting.answers.get(pos, {})
        topic = syllabus.topics.get(q.syllabus[0]) if q.syllabus else None
        items.append({"n": k + 1, "id": q.id, "answered": given.get("line") is not None,
                      "correct": bool(given.get("correct")) and given.get("line") is not None,
                      "answer": given.get("line"), "flagged": bool(given.get("flagged")),
                      "chapter": topic.chapter if topic else None, "area": topic.area if topic else None,
                      "topics": [t for t in q.syllabus if t in syllabus.topics]})
    areas = []
    for area, name in syllabus.areas.items():
        mine = [i for i in items if i["area"] == area]
        c = sum(i["correct"] for i in mine)
        areas.append({"area": area, "name": name, "correct": c, "asked": len(mine), "rate": _rate(c, len(mine)),
                      "published": PUBLISHED["areas"][area]})
    chapters = {}
    for t in syllabus.topics.values():
        chapters.setdefault(t.chapter, {"chapter": t.chapter, "name": t.chapter_name, "area": t.area,
                                        "correct": 0, "asked": 0})
    for i in items:
        if i["chapter"] in chapters:
            chapters[i["chapter"]]["asked"] += 1
            chapters[i["chapter"]]["correct"] += i["correct"]
    for row in chapters.values():
        row["rate"] = _rate(row["correct"], row["asked"])
        row["published"] = PUBLISHED["areas"][row["area"]]  # JDLA publishes areas, not chapters
    per_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i in items:
        for tid in i["topics"]:
            per_topic[tid][0] += i["correct"]
            per_topic[tid][1] += 1
    weak = sorted(((c / a, -(a - c), tid) for tid, (c, a) in per_topic.items() if c < a))[:WEAKEST]
    weakest = [{"id": tid, "name": syllabus.topics[tid].name, "correct": per_topic[tid][0], "asked": per_topic[tid][1]}
               for _, _, tid in weak]
    correct = sum(i["correct"] for i in items)
    return {"id": sitting.exam_id, "score": round(correct / len(items), 4) if items else 0.0,
            "correct": correct, "asked": len(items), "answered": sum(i["answered"] for i in items),
            "minutes": minutes, "time_used": round(minutes * 60 - time_left, 1), "published": PUBLISHED["sitting"],
            "areas": areas, "chapters": list(chapters.values()), "weakest": weakest,
            "items": [{k: i[k] for k in ("n", "id", "correct", "answered", "answer", "chapter", "area")} for i in items]}
