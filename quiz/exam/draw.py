"""Which items a mock exam asks, and in which order.

Weights: each syllabus chapter gets the share of the exam that it has of the syllabus's items
(1 数学的基礎 7, 2 機械学習 12, 3 深層学習の基礎 23, 4 深層学習の応用 26, 5 開発・運用環境 5 of
73 items: about 10/16/31/36/7 questions of 100). JDLA publishes no per-chapter counts; the outline
is what it examines, and chapter 5's 7 % is close to the weight of the 開発環境 area in reported
sittings. A chapter the bank cannot fill gives its shortfall to the others in proportion.

Only items an exam can score at once: choice, multi, numeric, generated (calculation) and code
(an exercise's function with a blank and its four candidate lines, as the exam's code questions)
items; no free text or self-graded description. An item belongs to the chapter of its first syllabus id.
Question sets (quiz.qsets) are drawn whole, their items in order, a set in the chapter of its
first item, and only sets whose every item the exam can score; about SET_SHARE of each chapter's
questions come in sets where the bank has them (the exam asks many of its questions in sets of
3-4), the rest are single items. Within a chapter, items the learner answered in the last
RECENT_DAYS days come only after the others (where the bank allows, they are avoided; a set counts
as recent when any of its items is). The exam runs in syllabus order (a set where its first item's
topic is), so the items of one syllabus item sit together. The same seed and the same bank and
record draw the same exam. The framework questions are of one framework
only (the candidate's choice, as at the real exam; without one, the seed draws it).
"""

from __future__ import annotations

import random
from collections import Counter

ASKABLE = ("choice", "multi", "numeric", "generated", "code")
RECENT_DAYS = 3
SET_SHARE = 0.5


def framework_for(seed: int) -> str:
    """The framework of an exam whose candidate chose none: drawn by the seed (same seed, same exam)."""
    from quiz.bank import FRAMEWORKS

    return random.Random(f"framework:{seed}").choice(FRAMEWORKS)


def weights(syllabus) -> dict[int, float]:
    """chapter -> its share of the syllabus's items."""
    counts = Counter(t.chapter for t in syllabus.topics.values())
    total = sum(counts.values())
    return {ch: n / total for ch, n in sorted(counts.items())}


def quotas(count: int, weights: dict[int, float], available: dict[int, int]) -> dict[int, int]:
    """Questions per chapter: `count` split by `weights` (largest remainders), none above what a
    chapter has; what a short chapter cannot take goes to the others in proportion."""
    out = {ch: 0 for ch in weights}
    left = min(count, sum(available.get(ch, 0) for ch in weights))
    while left > 0:
        open_ = {ch: w for ch, w in weights.items() if available.get(ch, 0) > out[ch] and w > 0}
        if not open_:
            break
        total = sum(open_.values())
        share = {ch: left * w / total for ch, w in open_.items()}
        take = {ch: min(int(s), available[ch] - out[ch]) for ch, s in share.items()}
        rest = left - sum(take.values())
        for ch in sorted(open_, key=lambda c: (-(share[c] - int(share[c])), c)):
            if rest <= 0:
                break
            if available[ch] - out[ch] > take[ch]:
                take[ch] += 1
                rest -= 1
        for ch, n in take.items():
            out[ch] += n
        given = sum(take.values())
        if given == 0:
            break
        left -= given
    return out


def chapter_of(question, syllabus) -> int | None:
    topic = syllabus.topics.get(question.syllabus[0]) if question.syllabus else None
    return topic.chapter if topic else None


def draw(questions, syllabus, count: int, seed: int, recent: set[str] | frozenset = frozenset(),
         framework: str | None = None) -> list:
    """Up to `count` questions, by chapter quota, fresh ones first, in syllabus order; the framework
    questions of `framework` only (None: of the one framework_for(seed) draws)."""
    from quiz.bank import for_framework

    from quiz import qsets

    questions = for_framework(questions, framework or framework_for(seed))
    order = {tid: i for i, tid in enumerate(syllabus.topics)}
    pools: dict[int, list[list]] = {}
    for unit in qsets.units(sorted(questions, key=lambda q: q.id)):
        ch = chapter_of(unit[0], syllabus)
        if ch is not None and all(q.type in ASKABLE for q in unit):
            pools.setdefault(ch, []).append(unit)
    rng = random.Random(seed)
    quota = quotas(count, weights(syllabus), {ch: sum(map(len, p)) for ch, p in pools.items()})
    chosen = []
    for ch in sorted(pools):
        pool = pools[ch]
        rng.shuffle(pool)
        pool.sort(key=lambda u: any(q.id in recent for q in u))  # stable: fresh first, each group in the seed's order
        want = quota.get(ch, 0)
        sets = [u for u in pool if u[0].set_id is not None]
        taken = _fill(sets, round(want * SET_SHARE), [])
        taken = _fill([u for u in pool if not any(u is t for t in taken)], want, taken)
        chosen += [(order[u[0].syllabus[0]], rank, u) for rank, u in enumerate(taken)]
    return [q for _, _, u in sorted(chosen, key=lambda x: (x[0], x[1])) for q in u]


def _fill(units: list[list], upto: int, taken: list[list]) -> list[list]:
    """`taken` and then whole units, in order, while they fit in `upto` items."""
    n = sum(map(len, taken))
    out = list(taken)
    for u in units:
        if n >= upto:
            break
        if n + len(u) <= upto:
            out.append(u)
            n += len(u)
    return out
