"""split_heads: the reference's split, per-head attention and merge against explicit loops over
heads, tokens and features, the bank's options per blank, and the exercise submitted through
`rabbit submit`."""

import math

import numpy as np
import pytest

from quiz.resources import reference_module

NAME = "split_heads"
RIGHT = {"あ": "x.reshape(B, T, h, D // h).transpose(0, 2, 1, 3)",
         "い": "x.transpose(0, 2, 1, 3).reshape(B, T, h * d)"}
WRONG = ("い", "x.reshape(B, T, h * d)")


def _loop(Q, K, V, h):
    """Head j owns features j*dh .. (j+1)*dh - 1; attention per head, element by element."""
    B, T, D = Q.shape
    S, dh = K.shape[1], D // h
    heads = np.zeros((B, h, T, dh))
    out = np.zeros((B, T, D))
    for b in range(B):
        for j in range(h):
            cols = range(j * dh, (j + 1) * dh)
            for t in range(T):
                for c, f in enumerate(cols):
                    heads[b, j, t, c] = Q[b, t, f]
                scores = [sum(Q[b, t, f] * K[b, s, f] for f in cols) / math.sqrt(dh) for s in range(S)]
                top = max(scores)
                e = [math.exp(x - top) for x in scores]
                for f in cols:
                    out[b, t, f] = sum(e[s] / sum(e) * V[b, s, f] for s in range(S))
    return heads, out


@pytest.mark.parametrize("B, T, S, h, dh", [(2, 3, 4, 5, 6), (1, 4, 3, 2, 5), (3, 1, 5, 3, 4), (2, 3, 4, 1, 6)])
def test_reference_matches_the_loops(B, T, S, h, dh):
    rng = np.random.default_rng(B * 1000 + T * 100 + S * 10 + h)
    Q, K, V = (rng.standard_normal((B, n, h * dh)) for n in (T, S, S))
    q, out = reference_module(NAME).multi_head_attention(Q, K, V, h)
    want_q, want_out = _loop(Q, K, V, h)
    np.testing.assert_allclose(q, want_q, rtol=0, atol=0)
    np.testing.assert_allclose(out, want_out, rtol=1e-12, atol=1e-12)


def test_merge_undoes_split():
    ref = reference_module(NAME)
    x = np.random.default_rng(5).standard_normal((3, 4, 10))
    assert ref.split_heads(x, 2).shape == (3, 2, 4, 5)
    np.testing.assert_array_equal(ref.merge_heads(ref.split_heads(x, 2)), x)
