"""One time step of an LSTM (batch-first).

Shapes:
    x      : (B, D)    inputs at this step
    prev_h : (B, H)    output at the previous step
    prev_c : (B, H)    cell state at the previous step
    W      : (4H, D)   input weights, stored (out, in)
    U      : (4H, H)   recurrent weights
    b      : (4H,)     bias
Returns c (B, H), the new cell state, and h (B, H), the new output.

The 4H pre-activations are split in the order a, i, f, o: the cell input a
(tanh) and the input, forget and output gates (sigmoid).
"""
import numpy as np


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _activation(x):
    # Identity: the nonlinearities (tanh for a, sigmoid for the gates) come after the split.
    return x


def lstm(x, prev_h, prev_c, W, U, b):
    """Return (c, h) for one LSTM step."""
    # Compute the cell input and all three gates at once, then split them.
    lstm_in = _activation(x.dot(W.T) + prev_h.dot(U.T) + b)
    a, i, f, o = np.hsplit(lstm_in, 4)

    # Cell input in (-1, 1); gates in (0, 1).
    a = np.tanh(a)
    input_gate = _sigmoid(i)
    forget_gate = _sigmoid(f)
    output_gate = _sigmoid(o)

    # Update the cell state, then compute the output.
    c = ___け___  # (け) fill in this blank
    h = output_gate * np.tanh(c)
    return c, h
