"""A numerical gradient by central differences, element by element.

The loss is that of a one-layer net (Day1's convention: W stored (in, out), applied as x.dot(W)):
    L(W) = 1/2 * sum((tanh(x W) - t)^2) / B
Shapes:
    W : (D, H)    weights
    x : (B, D)    inputs
    t : (B, H)    targets
Returns grad (D, H): dL/dW[i, j] = (L(W + h e_ij) - L(W - h e_ij)) / (2h) for every element.
"""
import numpy as np


def _loss(W, x, t):
    """Mean squared error of tanh(x W) against t."""
    B = x.shape[0]
    y = np.tanh(x.dot(W))
    return 0.5 * np.sum((y - t) ** 2) / B


def numerical_gradient(W, x, t):
    """Return dL/dW by central differences (W is left as it was)."""
    D, H = W.shape
    h = 1e-4
    grad = np.zeros_like(W)
    it = np.nditer(W, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = W[idx]
        W[idx] = ___あ___  # (あ) fill in this blank
        fxh1 = _loss(W, x, t)
        W[idx] = ___い___  # (い) fill in this blank
        fxh2 = _loss(W, x, t)
        grad[idx] = ___う___  # (う) fill in this blank
        W[idx] = tmp_val  # restore the weight
        it.iternext()
    return grad
