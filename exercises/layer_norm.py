"""Layer normalisation over the last axis.

Every token's D features are normalised by their own mean and variance, then
scaled by gamma and shifted by beta (one value per feature). The variance is
the biased one (divided by D); eps sits inside the square root.

Shapes:
    x     : (B, T, D)
    gamma : (D,)
    beta  : (D,)
    eps   : float
Returns y (B, T, D).
"""
import numpy as np


def layer_norm(x, gamma, beta, eps):
    """Return the layer-normalised x."""
    B, T, D = x.shape
    mu = ___あ___   # (あ) fill in this blank: (B, T, 1)
    var = ___い___  # (い) fill in this blank: (B, T, 1)
    x_hat = (x - mu) / np.sqrt(var + eps)
    y = ___う___    # (う) fill in this blank: (B, T, D)
    return y
