"""Judging one answer to one question, by type. Pure functions: no I/O, no store.

A Judgement is `invalid` when the text cannot be read as an answer of that type (the session
asks again and counts nothing), `pending` for a free description awaiting the learner's own
grade, else `correct` True or False.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from quiz import exprs
from quiz.bank import Question

_SPLIT = re.compile(r"[\s,、，;・/]+")
_SHAPE_SPLIT = re.compile(r"\s*(?:[x×*,、]|\s)\s*")


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
    # an IME's wave dash 〜 survives NFKC; learners mean ~ by it
    return unicodedata.normalize("NFKC", text or "").replace("〜", "~").strip()


def _loose(text: str) -> str:
    """Case, width, spaces, and punctuation do not matter for short text answers."""
    s = nfkc(text).casefold()
    return re.sub(r"[\s_\-・「」『』()（）.。、,'\"`]", "", s)


def _choice_number(text: str, n: int) -> int | None:
    s = nfkc(text).lower().strip("().（）")
    if s.isdigit() and 1 <= int(s) <= n:
        return int(s)
    letters = "abcdef"[:n]
    if len(s) == 1 and s in letters:
        return letters.index(s) + 1
    return None


def _number(text: str) -> float | None:
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
    recorded answer use the original one."""
    raw = nfkc(text)
    if not raw:
        return Judgement(invalid="empty")
    if dont_know(raw):
        return Judgement(correct=False, answer="?", passed=True)

    def original(pick: int | None) -> int | None:
        return order[pick - 1] if order and pick is not None else pick

    if q.type in ("choice", "code"):
        n = len(q.options) if q.type == "choice" else 4
        pick = original(_choice_number(raw, n))
        if pick is None:
            return Judgement(invalid="choice", answer=raw)
        key = q.answer if q.type == "choice" else right_option
        return Judgement(correct=pick == key, answer=str(pick))
    if q.type == "multi":
        parts = [p for p in _SPLIT.split(raw) if p]
        picks = [_choice_number(p, len(q.options)) for p in parts]
        if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) > 1:  # "13" typed for 1 and 3
            picks = [_choice_number(ch, len(q.options)) for ch in parts[0]]
        if not picks or any(p is None for p in picks):
            return Judgement(invalid="multi", answer=raw)
        chosen = sorted({original(p) for p in picks})
        return Judgement(correct=chosen == sorted(q.answer), answer=" ".join(map(str, chosen)))
    if q.type == "numeric":
        if isinstance(q.answer, list):
            s = raw.strip("()[]（）")
            parts = [p for p in _SHAPE_SPLIT.split(s) if p]
            values = [_number(p) for p in parts]
            if not values or any(v is None for v in values):
                return Judgement(invalid="shape", answer=raw)
            ok = len(values) == len(q.answer) and all(
                math.isclose(v, a, abs_tol=q.tolerance) for v, a in zip(values, q.answer))
            return Judgement(correct=ok, answer="×".join(_fmt(v) for v in values))
        value = _number(raw.split()[0] if raw.split() else raw)
        if value is None:
            return Judgement(invalid="number", answer=raw)
        return Judgement(correct=math.isclose(value, float(q.answer), abs_tol=q.tolerance, rel_tol=0),
                         answer=_fmt(value))
    if q.type == "text":
        mine = _loose(raw)
        return Judgement(correct=any(mine == _loose(a) for a in q.accept), answer=raw)
    if q.type == "expr":
        try:
            ok = exprs.equivalent(raw, str(q.answer), list(q.variables))
        except exprs.ExprError as e:
            return Judgement(invalid="expr:" + str(e), answer=raw)
        return Judgement(correct=ok, answer=raw)
    if q.type == "describe":
        return Judgement(pending=True, answer=raw, hits=key_point_hits(q, raw))
    raise ValueError(f"unknown question type {q.type}")


def _compact(text: str) -> str:
    """A formula as typed, without what learners vary: spaces, subscript marks (`_`, `^`,
    braces) and product signs, so `W z0`, `Wz0`, `W*z_{0}` and `W_{in}x_1` meet the keyword."""
    return re.sub(r"[{}^·*]", "", _loose(text))


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


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
