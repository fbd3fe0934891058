"""Scaled dot-product attention with a mask (batch-first).

Each query is scored against every key by a dot product, the scores are
scaled, the masked positions are set to a large negative number, and a softmax
over the keys gives the weights that average the values.

Shapes:
    Q    : (B, T, d_k)   queries
    K    : (B, S, d_k)   keys
    V    : (B, S, d_v)   values
    mask : (B, T, S)     1 = may attend, 0 = masked
Returns out (B, T, d_v) and weights (B, T, S).
"""
import numpy as np


def _softmax(x):
    """Softmax over the last axis."""
    x = x - np.max(x, axis=-1, keepdims=True)  # for numerical stability
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def scaled_attention(Q, K, V, mask):
    """Return (out, weights)."""
    B, T, d_k = Q.shape
    S = K.shape[1]
    d_v = V.shape[2]
    # スコアを計算してスケーリングする (B, T, S)
    scores = np.matmul(Q, K.transpose(0, 2, 1)) / ___あ___  # (あ) fill in this blank
    # マスクされた位置 (mask == 0) を大きな負の値にする
    scores = ___い___  # (い) fill in this blank
    weights = _softmax(scores)        # (B, T, S), sums to 1 over the keys
    out = np.matmul(weights, V)       # (B, T, d_v)
    return out, weights
