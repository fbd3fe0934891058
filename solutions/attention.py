"""Dot-product attention: weight the encoder states by their match with the decoder state."""

from ._common import softmax


def attention(h, hs):
    """h (B, H) decoder state, hs (B, T, H) encoder states -> context c (B, H)."""
    B, T, H = hs.shape
    s = (hs * h[:, None, :]).sum(axis=2)  # (B, T) scores
    a = softmax(s, axis=1)  # over time steps
    c = (a[:, :, None] * hs).sum(axis=1)
    return c
