"""Scaled dot-product attention with a mask, batch-first.

mask holds 1 where a query may attend to a key and 0 where it may not. The masked scores are
replaced by -1e9 before the softmax (NumPy's form of masked_fill(mask == 0, -1e9)), so a row whose
keys are all masked gets uniform weights.
"""

import numpy as np

from ._common import softmax


def scaled_attention(Q, K, V, mask):
    """Q (B, T, d_k), K (B, S, d_k), V (B, S, d_v), mask (B, T, S) of 0/1 -> out (B, T, d_v), weights (B, T, S)."""
    B, T, d_k = Q.shape
    S = K.shape[1]
    d_v = V.shape[2]  # unused here; the template defines it for the option np.sqrt(d_v)
    scores = np.matmul(Q, K.transpose(0, 2, 1)) / np.sqrt(d_k)  # (B, T, S)
    scores = np.where(mask == 0, -1e9, scores)
    weights = softmax(scores, axis=-1)  # over the keys
    out = np.matmul(weights, V)
    return out, weights
