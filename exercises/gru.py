"""One time step of a GRU (batch-first).

Shapes:
    x        : (B, D)   inputs at this step
    h        : (B, H)   state at the previous step
    W_r, U_r : (H, D), (H, H)   reset gate weights, stored (out, in)
    W_z, U_z : (H, D), (H, H)   update gate weights
    W, U     : (H, D), (H, H)   candidate-state weights
Returns h_new (B, H).

Convention (the exam's): z is the share of the candidate h_bar in the new
state, and 1 - z the share of the old state h. PyTorch's documentation swaps
the roles of z and 1 - z.
"""
import numpy as np


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def gru(x, h, W_r, U_r, W_z, U_z, W, U):
    """Return the new state h_new (B, H)."""
    # Gates.
    r = _sigmoid(x.dot(W_r.T) + h.dot(U_r.T))
    z = _sigmoid(x.dot(W_z.T) + h.dot(U_z.T))

    # Candidate state, then the new state.
    h_bar = np.tanh(x.dot(W.T) + (r * h).dot(U.T))
    h_new = ___こ___  # (こ) fill in this blank
    return h_new
