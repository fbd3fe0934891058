"""Softmax and the cross-entropy error over a batch with integer labels (batch-first).

Shapes:
    x : (B, C)    scores (the output layer's values before softmax)
    t : (B,)      integer class labels in [0, C)
Returns y (B, C), the softmax of each row, and loss (1,), the cross-entropy averaged over the
batch (a scalar, returned as a one-element array).
"""
import numpy as np


def softmax(x):
    """Row-wise softmax that never overflows."""
    x = ___あ___  # (あ) fill in this blank: shift each row before exp
    return np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)


def cross_entropy_error(y, t):
    """Mean over the batch of -log(probability of the correct label)."""
    batch_size = y.shape[0]
    delta = 1e-7  # keeps log away from log(0)
    return -np.sum(np.log(___い___ + delta)) / batch_size  # (い) fill in this blank: shape (B,)


def softmax_cross_entropy(x, t):
    """Return (y, loss)."""
    B, C = x.shape
    y = softmax(x)
    loss = cross_entropy_error(y, t)
    return y, np.array([loss])  # the loss as an array of shape (1,)
