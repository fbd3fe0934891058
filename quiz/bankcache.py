"""The bank's cached form (quiz.bank.load keeps it under $RABBIT_HOME/cache): an item's small fields
as JSON, and its texts, spec and set context as one JSON string (`_lazy`), decoded when first read
(materialise); `rabbit bank list` and a session's selection never read them."""

from __future__ import annotations

import json
from dataclasses import fields

from quiz.bank import LAZY, Question

_META = tuple(f.name for f in fields(Question) if f.name not in LAZY)


def encode(questions: list[Question]) -> list[dict]:
    from dataclasses import asdict

    return [{**{k: getattr(q, k) for k in _META}, "_lazy": json.dumps(
        {"prompt": q.prompt, "explanation": q.explanation, "spec": asdict(q.spec), "context": q.context},
        ensure_ascii=False)}
        for q in questions]


def decode(data: list) -> list[Question]:
    if data and set(data[0]) != {*_META, "_lazy"}:  # written by another version: compute again
        raise KeyError("bank cache fields")
    out = []
    for d in data:
        d["tags"] = tuple(d["tags"])
        d["syllabus"] = tuple(d["syllabus"])
        q = object.__new__(Question)  # not __init__: its keyword handling is for items made by hand
        q.__dict__.update(d)
        out.append(q)
    return out


def materialise(d: dict) -> None:
    """A cached item's texts and spec, from its `_lazy` JSON."""
    from quiz import kinds

    heavy = json.loads(d.pop("_lazy"))
    d["prompt"], d["explanation"], d["context"] = heavy["prompt"], heavy["explanation"], heavy["context"]
    d["spec"] = kinds.get(d["type"]).spec.from_dict(heavy["spec"])
