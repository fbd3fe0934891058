"""One gradient-descent step of logistic regression (batch-first).

X (N, D) inputs (a bias is a column of ones in X), y (N,) labels in {0, 1}, w (D,), lr the
learning rate. The loss is the mean negative log-likelihood (binary cross-entropy)
E(w) = -1/N * sum(y log p + (1 - y) log(1 - p)), p = sigmoid(X w); its gradient is X^T (p - y) / N.
"""

import numpy as np

from ._common import _sigmoid


def logistic_step(X, y, w, lr):
    """X (N, D), y (N,), w (D,), lr -> the updated w (D,)."""
    N, D = X.shape
    p = _sigmoid(X.dot(w))  # P(y = 1 | x) for every sample, (N,)
    grad = X.T.dot(p - y) / N  # dE/dw, (D,)
    w = w - lr * grad  # step against the gradient
    return w
