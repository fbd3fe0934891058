"""Bidirectional RNN (batch-first).

A forward tanh RNN reads each sequence from the first step to the last, a
backward one from the last step to the first. Their states for the same time
step are joined feature-wise and mapped to the outputs.

Shapes:
    xs       : (B, T, D)   inputs
    W_f, U_f : (H, D), (H, H)   forward RNN weights, stored (out, in)
    W_b, U_b : (H, D), (H, H)   backward RNN weights
    V        : (O, 2H)          output weights
Returns ys (B, T, O).
"""
import numpy as np


def _rnn(xs, W, U):
    """tanh RNN without bias, zero initial state: states (B, T, H)."""
    batch_size, n_seq = xs.shape[:2]
    hs = np.zeros((batch_size, n_seq, W.shape[0]))
    h = np.zeros((batch_size, W.shape[0]))
    for t in range(n_seq):
        h = np.tanh(xs[:, t].dot(W.T) + h.dot(U.T))
        hs[:, t] = h
    return hs


def bidirectional_rnn_net(xs, W_f, U_f, W_b, U_b, V):
    """Return the outputs ys (B, T, O)."""
    xs_f = np.zeros_like(xs)
    xs_b = np.zeros_like(xs)
    for i, x in enumerate(xs):
        xs_f[i] = x
        xs_b[i] = x[::-1]  # each sample's sequence, reversed in time
    hs_f = _rnn(xs_f, W_f, U_f)  # (B, T, H)
    hs_b = _rnn(xs_b, W_b, U_b)  # (B, T, H), in reversed time order
    hs = ___か___  # (か) fill in this blank: (B, T, 2H)
    ys = hs.dot(V.T)
    return ys
