"""scaled_attention: the reference against an explicit per-element loop (mask on, off and total),
the bank's options per blank, and the exercise submitted through `rabbit submit`."""

import math

import numpy as np
import pytest

from quiz.exercises import load_all
from quiz.resources import reference_module

NAME = "scaled_attention"
RIGHT = {"あ": "np.sqrt(d_k)", "い": "np.where(mask == 0, -1e9, scores)"}
WRONG = ("い", "scores * mask")


def _loop(Q, K, V, mask):
    """Score by score: q·k / sqrt(d_k), -1e9 where masked, softmax over the keys, weighted sum of V."""
    B, T, dk = Q.shape
    S, dv = K.shape[1], V.shape[2]
    out, weights = np.zeros((B, T, dv)), np.zeros((B, T, S))
    for b in range(B):
        for t in range(T):
            scores = [-1e9 if mask[b, t, s] == 0 else sum(Q[b, t, i] * K[b, s, i] for i in range(dk)) / math.sqrt(dk)
                      for s in range(S)]
            top = max(scores)
            e = [math.exp(x - top) for x in scores]
            for s in range(S):
                weights[b, t, s] = e[s] / sum(e)
            for j in range(dv):
                out[b, t, j] = sum(weights[b, t, s] * V[b, s, j] for s in range(S))
    return out, weights


def _inputs(rng, B, T, S, dk, dv, mask):
    Q, K, V = rng.standard_normal((B, T, dk)), rng.standard_normal((B, S, dk)), rng.standard_normal((B, S, dv))
    if mask == "random":
        m = rng.integers(0, 2, (B, T, S))
    else:
        m = np.full((B, T, S), 1 if mask == "ones" else 0, dtype=np.int64)
    return Q, K, V, m


@pytest.mark.parametrize("dims", [(2, 3, 4, 5, 6), (1, 4, 5, 6, 2), (3, 1, 4, 5, 2)])
@pytest.mark.parametrize("mask", ["random", "ones", "zeros"])
def test_reference_matches_the_per_element_loop(dims, mask):
    rng = np.random.default_rng(hash((dims, mask)) % 2**32)
    Q, K, V, m = _inputs(rng, *dims, mask)
    out, weights = reference_module(NAME).scaled_attention(Q, K, V, m)
    want_out, want_w = _loop(Q, K, V, m)
    np.testing.assert_allclose(out, want_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(weights, want_w, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)
    if mask == "random":
        partly = m.sum(axis=-1) > 0  # rows with a key to attend to: the masked keys get weight 0
        assert np.all(weights[(m == 0) & partly[..., None]] == 0.0)
    if mask == "ones":  # no mask: plain softmax(Q K^T / sqrt(d_k))
        s = np.einsum("btk,bsk->bts", Q, K) / math.sqrt(Q.shape[2])
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        np.testing.assert_allclose(weights, e / e.sum(axis=-1, keepdims=True), rtol=1e-12)
    if mask == "zeros":  # every key masked: uniform weights, the mean of the values
        np.testing.assert_allclose(out, np.broadcast_to(V.mean(axis=1, keepdims=True), out.shape), rtol=1e-12)


def test_the_cases_cover_masked_unmasked_and_fully_masked_rows():
    from quiz.grading import cases

    kinds = set()
    for c in cases.build_cases(load_all()[NAME]):
        m = dict(c.args)["mask"]
        kinds |= {"all ones" if m.all() else "all zeros" if not m.any() else "mixed"}
    assert kinds == {"all ones", "all zeros", "mixed"}
