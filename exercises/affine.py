"""An affine layer (fully connected layer), forward and backward (batch-first).

Shapes (Day1's convention: W is stored (in, out) and applied as x.dot(W)):
    x    : (B, D)    inputs
    W    : (D, H)    weights
    b    : (H,)      bias
    dout : (B, H)    dL/dout, the gradient coming from the layer above
Returns out (B, H), dx (B, D), dW (D, H) and db (H,).
"""
import numpy as np


def affine_forward(x, W, b):
    """Return out = x W + b."""
    return x.dot(W) + b


def affine_backward(dout, x, W):
    """Return (dx, dW, db) from dout and the forward's cache (x, W)."""
    dx = ___あ___  # (あ) fill in this blank: dL/dx, shape (B, D)
    dW = ___い___  # (い) fill in this blank: dL/dW, shape (D, H)
    db = ___う___  # (う) fill in this blank: dL/db, shape (H,)
    return dx, dW, db


def affine(x, W, b, dout):
    """Forward, then backward with the upstream gradient dout."""
    B, D = x.shape
    H = W.shape[1]
    out = affine_forward(x, W, b)
    dx, dW, db = affine_backward(dout, x, W)
    return out, dx, dW, db
