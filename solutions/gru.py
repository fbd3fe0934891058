"""One GRU step, batch-first."""

import numpy as np

from ._common import _sigmoid


def gru(x, h, W_r, U_r, W_z, U_z, W, U):
    """x (B, D), h (B, H), W_* (H, D), U_* (H, H) -> h_new (B, H)."""
    r = _sigmoid(x.dot(W_r.T) + h.dot(U_r.T))  # reset gate
    z = _sigmoid(x.dot(W_z.T) + h.dot(U_z.T))  # update gate
    h_bar = np.tanh(x.dot(W.T) + (r * h).dot(U.T))
    h_new = (1 - z) * h + z * h_bar  # the exam's convention; PyTorch's docs swap z and 1 - z
    return h_new
