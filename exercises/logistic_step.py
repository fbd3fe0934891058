"""One gradient-descent step of logistic regression (batch-first).

Shapes:
    X  : (N, D)   inputs (to have a bias, give X a column of ones)
    y  : (N,)     labels, 0 or 1
    w  : (D,)     weights
    lr : float    learning rate
Returns the updated w (D,).

Loss: E(w) = -1/N * sum(y log p + (1 - y) log(1 - p)) with p = sigmoid(X w).
"""
import numpy as np


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logistic_step(X, y, w, lr):
    """Return w after one step of gradient descent on E(w)."""
    N, D = X.shape
    p = ___あ___  # (あ) fill in this blank: P(y = 1 | x), shape (N,)
    grad = ___い___  # (い) fill in this blank: dE/dw, shape (D,)
    w = ___う___  # (う) fill in this blank: the update
    return w
