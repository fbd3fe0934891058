"""Judging one answer to one question: the shared reading here, each type's in its kind
(quiz.kinds). Pure functions: no I/O, no store.

A Judgement is `invalid` when the text cannot be read as an answer of that type (the session
asks again and counts nothing), `pending` for a free description awaiting the learner's own
grade, else `correct` True or False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quiz import exprs, typed
from quiz.bank import Question

# "I don't know": recorded as a miss, and the key and the explanation are shown
DONT_KNOW = {"?", "わからない", "分からない", "わかりません", "分かりません", "パス", "ぱす", "pass", "skip", "idk"}


def dont_know(text: str) -> bool:
    return nfkc(text).casefold() in DONT_KNOW


@dataclass
class Judgement:
    correct: bool | None = None
    invalid: str = ""  # why the text could not be read; ask again
    answer: str = ""  # the normalised answer that was judged
    hits: list[int] = field(default_factory=list)  # describe: key points the text mentions
    pending: bool = False  # describe: waiting for the learner's self-grade
    passed: bool = False  # the learner said they do not know (a miss)


def nfkc(text: str) -> str:
    # an IME's wave dash 〜 survives NFKC; in a short answer learners mean ~ by it (a formula keeps
    # it, so that exprs can name the character the learner should not have typed)
    return typed.nfkc(text).replace("〜", "~")


def loose(text: str) -> str:
    """Case, width, spaces, and punctuation do not matter for short text answers."""
    s = nfkc(text).casefold()
    return re.sub(r"[\s_\-・「」『』()（）.。、,'\"`]", "", s)


def choice_number(text: str, n: int) -> int | None:
    """The option number a learner typed: 3, (3), ３, c."""
    s = nfkc(text).lower().strip("().（）")
    if s.isdigit() and 1 <= int(s) <= n:
        return int(s)
    letters = "abcdef"[:n]
    if len(s) == 1 and s in letters:
        return letters.index(s) + 1
    return None


def number(text: str) -> float | None:
    s = nfkc(text).replace(",", "").rstrip("%")
    try:
        return float(s)
    except ValueError:
        pass
    try:  # 1/4, 2^-2 ... through the safe evaluator, never eval()
        return exprs.evaluate(exprs.parse(s, []), {})
    except (exprs.ExprError, ArithmeticError, ValueError, KeyError):
        return None


def judge(q: Question, text: str, right_option: int | None = None, order: tuple[int, ...] | None = None) -> Judgement:
    """`right_option` is the exercise's answer for a code item. `order` lists the original option
    numbers in the order they were shown: the learner types a shown number, the verdict and the
    recorded answer use the original one. The item's kind (quiz.kinds) judges the rest."""
    from quiz import kinds

    raw = nfkc(text)
    if not raw:
        return Judgement(invalid="empty")
    if dont_know(raw):
        return Judgement(correct=False, answer="?", passed=True)

    def original(pick: int | None) -> int | None:
        return order[pick - 1] if order and pick is not None else pick

    try:
        kind = kinds.of(q)
    except KeyError:
        raise ValueError(f"unknown question type {q.type}") from None
    return kind.judge(q, raw, original, right_option)


def _compact(text: str) -> str:
    """A formula as typed, without what learners vary: spaces, subscript marks (`_`, `^`,
    braces) and product signs, so `W z0`, `Wz0`, `W*z_{0}` and `W_{in}x_1` meet the keyword."""
    return re.sub(r"[{}^·*]", "", loose(text))


def key_point_hits(q: Question, text: str) -> list[int]:
    mine = nfkc(text).casefold()
    mine_compact = _compact(text)
    hits = []
    for i, kp in enumerate(q.key_points):
        for word in kp.get("keywords", []):
            w = nfkc(word).casefold()
            if w in mine or (_compact(w) and _compact(w) in mine_compact):
                hits.append(i)
                break
    return hits


SELF_GRADE_ACCEPTS = "y / n (yes / no, はい / いいえ, ○ / ×, 1 / 0)"


def self_grade(text: str) -> bool | None:
    s = nfkc(text).lower()
    if s in ("y", "yes", "はい", "o", "ok", "正解", "1", "○", "◯", "true"):
        return True
    if s in ("n", "no", "いいえ", "x", "×", "不正解", "0", "false"):
        return False
    return None


def fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
