"""The exercise input generator kinds are one table (quiz.exercises.GENERATORS) that validation
and drawing (quiz.grading.cases.generate) both read: a kind the validator accepts can be drawn."""

from __future__ import annotations

import numpy as np

from quiz.grading import cases
from quiz.exercises import GENERATORS, load_all


def test_every_generator_kind_the_validator_accepts_has_a_draw_function():
    for kind, draw in GENERATORS.items():
        assert callable(getattr(cases, draw, None)), (kind, draw)


def test_each_kind_draws_through_the_table():
    dims = {"N": 2, "D": 3}
    rng = np.random.default_rng(0)
    drawn = {
        "randn": cases.generate({"randn": ["N", "D"]}, dims, rng).shape,
        "uniform": cases.generate({"uniform": ["N"], "low": 1, "high": 2}, dims, rng).shape,
        "value": cases.generate({"value": 0.5}, dims, rng),
        "onehot": cases.generate({"onehot": ["N", "D"]}, dims, rng).sum(axis=1).tolist(),
        "tree": type(cases.generate({"tree": {"leaves": 3, "dim": "D"}}, dims, rng)).__name__,
        "randint": str(cases.generate({"randint": ["N"], "high": "D"}, dims, rng).dtype),
        "integer": cases.generate({"integer": "D"}, dims, rng),
        "boxes": cases.generate({"boxes": "N"}, dims, rng).shape,
    }
    assert drawn == {"randn": (2, 3), "uniform": (2,), "value": 0.5, "onehot": [1.0, 1.0], "tree": "Tree",
                     "randint": "int64", "integer": 3, "boxes": (2, 4)}
    assert set(drawn) == set(GENERATORS)


def test_every_shipped_exercise_input_uses_a_kind_of_the_table():
    for ex in load_all().values():
        g = ex.grading
        for spec in list(g["inputs"].values()) + list((g.get("globals") or {}).values()):
            assert len(set(spec) & GENERATORS.keys()) == 1, (ex.name, spec)
