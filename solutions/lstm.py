"""One LSTM step, batch-first."""

import numpy as np

from ._common import _sigmoid


def _activation(x):
    return x  # identity: the tanh and sigmoids below are the only nonlinearities


def lstm(x, prev_h, prev_c, W, U, b):
    """x (B, D), prev_h and prev_c (B, H), W (4H, D), U (4H, H), b (4H,) -> c, h (B, H)."""
    lstm_in = _activation(x.dot(W.T) + prev_h.dot(U.T) + b)
    a, i, f, o = np.hsplit(lstm_in, 4)  # gate order: candidate, input, forget, output

    a = np.tanh(a)
    input_gate = _sigmoid(i)
    forget_gate = _sigmoid(f)
    output_gate = _sigmoid(o)

    c = input_gate * a + forget_gate * prev_c
    h = output_gate * np.tanh(c)
    return c, h
