"""Softmax and cross-entropy over a batch with integer labels (batch-first).

x (B, C) scores, t (B,) integer class labels in [0, C). The loss is the batch mean of
-log(y[n, t[n]] + delta), delta = 1e-7 so that a zero probability never reaches log(0).
"""

import numpy as np


def softmax(x):
    """x (B, C) -> y (B, C), each row a probability distribution."""
    x = x - np.max(x, axis=1, keepdims=True)  # each row's own max: exp never overflows, no row underflows
    return np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)


def cross_entropy_error(y, t):
    """y (B, C) probabilities, t (B,) labels -> the mean cross-entropy (a scalar)."""
    batch_size = y.shape[0]
    delta = 1e-7
    return -np.sum(np.log(y[np.arange(batch_size), t] + delta)) / batch_size


def softmax_cross_entropy(x, t):
    """x (B, C), t (B,) -> y (B, C), loss (1,): the scalar loss as a one-element array."""
    B, C = x.shape
    y = softmax(x)
    loss = cross_entropy_error(y, t)
    return y, np.array([loss])  # the loss as an array of shape (1,)
