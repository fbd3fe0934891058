"""A numerical gradient by central differences over every element of a weight array.

The loss is a one-layer net's: L(W) = 1/2 * sum((tanh(x W) - t)^2) / B, with x (B, D), W (D, H)
stored (in, out) as in Day1, t (B, H). Central differences: (L(W + h e) - L(W - h e)) / (2h).
"""

import numpy as np


def _loss(W, x, t):
    """W (D, H), x (B, D), t (B, H) -> the mean squared error (a scalar)."""
    B = x.shape[0]
    y = np.tanh(x.dot(W))
    return 0.5 * np.sum((y - t) ** 2) / B


def numerical_gradient(W, x, t):
    """dL/dW (D, H) by central differences, one element of W at a time (W is restored)."""
    D, H = W.shape
    h = 1e-4
    grad = np.zeros_like(W)
    it = np.nditer(W, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = W[idx]
        W[idx] = tmp_val + h
        fxh1 = _loss(W, x, t)  # L(W + h)
        W[idx] = tmp_val - h
        fxh2 = _loss(W, x, t)  # L(W - h)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        W[idx] = tmp_val  # put the weight back before moving to the next one
        it.iternext()
    return grad
