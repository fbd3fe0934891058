"""Multi-head attention without projections: split, attend per head, merge.

Each head takes a contiguous block of D/h features. The inputs are split into
h heads, every head runs scaled dot-product attention on its own, and the
heads' outputs are joined back into one feature axis.

Shapes:
    Q : (B, T, D)   queries
    K : (B, S, D)   keys
    V : (B, S, D)   values
    h : int         number of heads (D is a multiple of h)
Returns q (B, h, T, D/h), the queries split into heads, and out (B, T, D).
"""
import numpy as np


def _softmax(x):
    """Softmax over the last axis."""
    x = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def split_heads(x, h):
    """(B, T, D) -> (B, h, T, D/h)."""
    B, T, D = x.shape
    return ___あ___  # (あ) fill in this blank


def merge_heads(x):
    """(B, h, T, d) -> (B, T, h*d)."""
    B, h, T, d = x.shape
    return ___い___  # (い) fill in this blank


def multi_head_attention(Q, K, V, h):
    """Return (q, out)."""
    q, k, v = split_heads(Q, h), split_heads(K, h), split_heads(V, h)
    d = q.shape[-1]
    # ヘッドごとのスケール化内積注意 (B, h, T, S)
    weights = _softmax(np.matmul(q, k.transpose(0, 1, 3, 2)) / np.sqrt(d))
    out = merge_heads(np.matmul(weights, v))  # (B, T, D)
    return q, out
