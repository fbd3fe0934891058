"""Bidirectional RNN: a forward and a backward tanh RNN, joined feature-wise per time step."""

import numpy as np

from ._common import _rnn


def bidirectional_rnn_net(xs, W_f, U_f, W_b, U_b, V):
    """xs (B, T, D), W_* (H, D), U_* (H, H), V (O, 2H) -> ys (B, T, O)."""
    B, T, D = xs.shape
    xs_f = xs
    xs_b = xs[:, ::-1]  # reverse time (axis 1) within each sample, not the batch

    hs_f = _rnn(xs_f, W_f, U_f)
    hs_b = _rnn(xs_b, W_b, U_b)
    hs = np.concatenate([hs_f, hs_b[:, ::-1]], axis=2)  # (B, T, 2H)

    ys = hs.dot(V.T)
    return ys
