"""Multi-head attention without projections: split into heads, attend per head, merge back.

Batch-first. A head takes a contiguous block of D/h features: (B, T, D) -> (B, T, h, D/h) ->
(B, h, T, D/h), and merging undoes exactly that.
"""

import numpy as np

from ._common import softmax


def split_heads(x, h):
    """x (B, T, D) -> (B, h, T, D/h)."""
    B, T, D = x.shape
    return x.reshape(B, T, h, D // h).transpose(0, 2, 1, 3)


def merge_heads(x):
    """x (B, h, T, d) -> (B, T, h*d)."""
    B, h, T, d = x.shape
    return x.transpose(0, 2, 1, 3).reshape(B, T, h * d)


def multi_head_attention(Q, K, V, h):
    """Q (B, T, D), K and V (B, S, D), h heads (D divisible by h) -> q (B, h, T, D/h), out (B, T, D)."""
    q, k, v = split_heads(Q, h), split_heads(K, h), split_heads(V, h)
    d = q.shape[-1]
    weights = softmax(np.matmul(q, k.transpose(0, 1, 3, 2)) / np.sqrt(d), axis=-1)  # (B, h, T, S)
    out = merge_heads(np.matmul(weights, v))
    return q, out
