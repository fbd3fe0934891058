"""An affine layer, forward and backward, batch-first.

Day1's convention (the course's `u = np.dot(x, W) + b`): W is stored (in, out) and applied as
x.dot(W). x (B, D), W (D, H), b (H,), dout = dL/dout (B, H).
"""

import numpy as np


def affine_forward(x, W, b):
    """x (B, D), W (D, H), b (H,) -> out (B, H)."""
    return x.dot(W) + b


def affine_backward(dout, x, W):
    """dout (B, H), the cached x (B, D) and W (D, H) -> dx (B, D), dW (D, H), db (H,)."""
    dx = dout.dot(W.T)
    dW = x.T.dot(dout)
    db = np.sum(dout, axis=0)  # b was broadcast over the batch: its gradient sums over it
    return dx, dW, db


def affine(x, W, b, dout):
    """Forward, then backward with the upstream gradient dout -> out, dx, dW, db."""
    B, D = x.shape
    H = W.shape[1]
    out = affine_forward(x, W, b)
    dx, dW, db = affine_backward(dout, x, W)
    return out, dx, dW, db
