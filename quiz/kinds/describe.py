"""describe: a free description, shown beside a model answer and its key points; self-graded."""

from __future__ import annotations

from dataclasses import dataclass

from quiz import answers
from quiz.kinds.base import Kind, Spec, Validation


@dataclass(frozen=True)
class DescribeSpec(Spec):
    model_answer: dict | None = None
    key_points: tuple = ()  # {ja, en, keywords} each


class Describe(Kind):
    name = "describe"
    spec = DescribeSpec
    fields = frozenset({"model_answer", "key_points"})
    required = frozenset({"model_answer", "key_points"})
    label = {"ja": "記述 (簡潔に)", "en": "describe briefly"}
    self_graded = True

    def validate(self, v: Validation) -> DescribeSpec:
        raw = v.raw
        v.text(raw["model_answer"], "model_answer")
        points = raw["key_points"]
        if not isinstance(points, list) or not points:
            v.bad("key_points", "expected a list of key points")
            points = []
        for i, kp in enumerate(points):
            where = f"key_points[{i + 1}]"
            kline = getattr(kp, "line", v.line("key_points"))
            v.text(kp, where, kline)
            words = kp.get("keywords") if isinstance(kp, dict) else None
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
                v.bad(f"{where}.keywords", "expected a non-empty list of keywords", kline)
        return DescribeSpec(model_answer=dict(raw["model_answer"]) if isinstance(raw["model_answer"], dict) else None,
                            key_points=tuple(dict(k) for k in points if isinstance(k, dict)))

    def judge(self, q, raw, pick, right_option):
        return answers.Judgement(pending=True, answer=raw, hits=answers.key_point_hits(q, raw))

    def right_answer(self, q, shown, exercises):
        return [q.spec.model_answer.get("ja", ""), "y"]


KIND = Describe()
