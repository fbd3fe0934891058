"""Batch normalisation, forward pass in training mode (Ioffe & Szegedy, 2015).

Each feature is normalised with the mean and variance of the mini-batch (axis 0), then scaled by
gamma and shifted by beta. The variance is the biased one (divided by B), as in training; eps is
added inside the square root.
"""

import numpy as np


def batchnorm_forward(x, gamma, beta, eps):
    """x (B, D), gamma and beta (D,), eps float -> out (B, D)."""
    B, D = x.shape
    mu = x.mean(axis=0)  # (D,): one mean per feature, over the batch
    xc = x - mu
    var = np.mean(xc ** 2, axis=0)  # (D,): biased, divided by B
    xn = xc / np.sqrt(var + eps)
    out = gamma * xn + beta
    return out
