"""Sinusoidal positional encoding (Vaswani et al. 2017).

PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d)): column j uses the
pair index i = j // 2, so columns 2i and 2i+1 share one frequency. d is even.
"""

import numpy as np


def positional_encoding(T, d):
    """T positions, d (even) features -> PE (T, d)."""
    pos = np.arange(T)[:, np.newaxis]  # (T, 1)
    i = np.arange(d)[np.newaxis, :]  # (1, d) column index
    angle = pos / np.power(10000, 2 * (i // 2) / d)  # (T, d)
    PE = np.where(i % 2 == 0, np.sin(angle), np.cos(angle))
    return PE
