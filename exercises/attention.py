"""Dot-product attention for one decoder step (batch-first).

The decoder state h is the query; the encoder states hs are both keys and
values. Each encoder state is scored by its dot product with h, the scores are
turned into weights with a softmax over time, and the context vector is the
weighted sum of the encoder states.

Shapes:
    h  : (B, H)      decoder state
    hs : (B, T, H)   encoder states
Returns c (B, H), the context vector.
"""
import numpy as np


def _softmax(x):
    """Softmax over the last axis."""
    x = x - np.max(x, axis=-1, keepdims=True)  # for numerical stability
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def attention(h, hs):
    """Return the context vector c (B, H)."""
    s = np.sum(hs * h[:, np.newaxis, :], axis=2)  # (B, T) scores
    a = _softmax(s)                               # (B, T) weights, sum to 1 over T
    c = ___し___  # (し) fill in this blank: (B, H)
    return c
