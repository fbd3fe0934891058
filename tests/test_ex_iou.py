"""iou: the reference against the IoU of each pair written out with scalar max/min (overlapping,
touching, disjoint and nested boxes), the bank's options per blank, and the exercise submitted
through `rabbit submit`."""


import numpy as np
import pytest

from quiz.exercises import load_all
from quiz.resources import reference_module

NAME = "iou"
RIGHT = {"あ": "np.maximum(0, ix2 - ix1)", "い": "area_a[:, None] + area_b[None, :] - inter"}
WRONG = ("あ", "np.abs(ix2 - ix1)")


def _pair(p, q):
    w = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
    h = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
    inter = w * h
    union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter
    return inter / union


@pytest.mark.parametrize("N, M", [(3, 5), (1, 6), (4, 1), (5, 5)])
def test_reference_matches_the_pairwise_loop(N, M):
    rng = np.random.default_rng(N * 10 + M)
    xy_a, xy_b = rng.uniform(0, 4, (N, 2)), rng.uniform(0, 4, (M, 2))
    a = np.hstack([xy_a, xy_a + rng.uniform(0.2, 4, (N, 2))])
    b = np.hstack([xy_b, xy_b + rng.uniform(0.2, 4, (M, 2))])
    got = reference_module(NAME).iou(a, b)
    want = np.array([[_pair(p, q) for q in b] for p in a])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_known_pairs():
    a = np.array([[0.0, 0.0, 2.0, 2.0]])
    b = np.array([[1.0, 1.0, 3.0, 3.0],    # overlap 1, union 7
                  [2.0, 0.0, 4.0, 2.0],    # touching edge: 0
                  [5.0, 5.0, 6.0, 6.0],    # disjoint in both: 0 (unclipped it would be positive)
                  [3.0, 0.5, 4.0, 1.5],    # disjoint in x only: 0 (unclipped it would be negative)
                  [0.5, 0.5, 1.5, 1.5],    # nested: 1/4
                  [0.0, 0.0, 2.0, 2.0]])   # identical: 1
    np.testing.assert_allclose(reference_module(NAME).iou(a, b), [[1 / 7, 0, 0, 0, 0.25, 1]], rtol=1e-12)


def test_the_cases_hold_overlapping_and_disjoint_pairs():
    from quiz.grading import cases

    ref = reference_module(NAME)
    values = np.concatenate([ref.iou(*(v for _, v in c.args)).ravel() for c in cases.build_cases(load_all()[NAME])])
    assert (values == 0).sum() >= 3 and (values > 0).sum() >= 10
