"""Drawing a mock exam (quiz.exam.draw): weighted by syllabus chapter, only items an exam can
ask and score at once, recent items avoided where the bank allows, the same seed the same exam."""

from __future__ import annotations

from collections import Counter

from quiz import bank, syllabus
from quiz.bank import Question
from quiz.exam import draw

T = {"ja": "問", "en": "Q"}
OPTS = tuple({"ja": f"選択肢{i}", "en": f"option {i}"} for i in range(1, 5))


def choice(ident: str, topic: str) -> Question:
    return Question(id=ident, day=3, section=1, type="choice", source="original", prompt=T, explanation=T,
                    options=OPTS, answer=2, syllabus=(topic,), content_hash=f"h-{ident}")


def test_the_weights_are_the_chapters_share_of_the_syllabus_items():
    s = syllabus.load()
    per_chapter = Counter(t.chapter for t in s.topics.values())
    weights = draw.weights(s)
    assert set(weights) == {1, 2, 3, 4, 5}
    for ch, n in per_chapter.items():
        assert abs(weights[ch] - n / len(s.topics)) < 1e-9
    assert abs(sum(weights.values()) - 1) < 1e-9


def test_quotas_follow_the_weights_and_a_short_chapter_gives_its_share_to_the_others():
    w = {1: 0.1, 2: 0.2, 3: 0.3, 4: 0.3, 5: 0.1}
    assert draw.quotas(100, w, {c: 100 for c in w}) == {1: 10, 2: 20, 3: 30, 4: 30, 5: 10}
    q = draw.quotas(100, w, {1: 100, 2: 100, 3: 100, 4: 100, 5: 2})
    assert q[5] == 2 and sum(q.values()) == 100 and q[3] > 30
    assert sum(draw.quotas(100, w, {1: 3, 2: 3, 3: 3, 4: 3, 5: 3}).values()) == 15  # the whole bank, no more


def _pool() -> list[Question]:
    topics = {1: "1-1-2", 2: "2-1-12", 3: "3-5-2", 4: "4-1-1", 5: "5-2-1"}
    out = [choice(f"c{ch}.{i:02d}", t) for ch, t in topics.items() for i in range(40)]
    out.append(Question(id="c3.why", day=3, section=1, type="describe", source="original", prompt=T, explanation=T,
                        model_answer=T, key_points=({"ja": "a", "en": "a", "keywords": ["a"]},), syllabus=("3-5-2",),
                        content_hash="h"))
    out.append(Question(id="c3.term", day=3, section=1, type="text", source="original", prompt=T, explanation=T,
                        accept=("ReLU",), syllabus=("3-1-4",), content_hash="h"))
    return out


def test_only_choice_multi_numeric_and_generated_items_are_drawn_and_the_same_seed_draws_the_same_exam():
    questions, s = _pool(), syllabus.load()
    a = draw.draw(questions, s, 100, seed=7)
    assert len(a) == 100 and len({q.id for q in a}) == 100
    assert {q.type for q in a} <= set(draw.ASKABLE)
    assert [q.id for q in draw.draw(questions, s, 100, seed=7)] == [q.id for q in a]
    assert [q.id for q in draw.draw(questions, s, 100, seed=8)] != [q.id for q in a]
    by_chapter = Counter(draw.chapter_of(q, s) for q in a)
    assert by_chapter == draw.quotas(100, draw.weights(s), {c: 40 for c in range(1, 6)})
    assert by_chapter[3] > 2 * by_chapter[1]  # chapter 3 has 23 syllabus items, chapter 1 has 7
    assert [draw.chapter_of(q, s) for q in a] == sorted(draw.chapter_of(q, s) for q in a)  # in the syllabus's order


def test_the_shipped_bank_fills_a_full_exam():
    a = draw.draw(bank.load(), syllabus.load(), 100, seed=1)
    assert len(a) == 100 and {q.type for q in a} <= set(draw.ASKABLE)


def test_items_answered_recently_are_avoided_while_the_chapter_has_others():
    s = syllabus.load()
    questions = [choice(f"c1.{i}", "1-1-2") for i in range(10)] + [choice(f"c3.{i}", "3-5-2") for i in range(10)]
    recent = {f"c1.{i}" for i in range(8)} | {f"c3.{i}" for i in range(4)}
    got = {q.id for q in draw.draw(questions, s, 8, seed=1, recent=recent)}  # quotas: chapter 1 two, chapter 3 six
    assert {i for i in got if i.startswith("c1.")} == {"c1.8", "c1.9"}
    assert not got & recent  # chapter 3 has six fresh items: enough
    assert len(draw.draw(questions, s, 20, seed=1, recent=recent)) == 20  # recent ones fill what fresh ones cannot
