"""Sinusoidal positional encoding (the original Transformer's).

    PE[pos, 2i]   = sin(pos / 10000^(2i/d))
    PE[pos, 2i+1] = cos(pos / 10000^(2i/d))

Shapes:
    T : int   number of positions (0, 1, ..., T-1)
    d : int   model dimension (even)
Returns PE (T, d).
"""
import numpy as np


def positional_encoding(T, d):
    """Return the (T, d) positional encoding."""
    pos = np.arange(T)[:, np.newaxis]  # (T, 1) positions
    i = np.arange(d)[np.newaxis, :]    # (1, d) column indices 0, 1, ..., d-1
    # 列 j の周波数: 10000^(2i/d) で割る
    angle = pos / np.power(10000, ___あ___ / d)  # (あ) fill in this blank
    # 偶数列は sin、奇数列は cos
    PE = ___い___  # (い) fill in this blank
    return PE
