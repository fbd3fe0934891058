"""Layer normalisation over the last axis (each token's features), with gain gamma and shift beta.

The variance is the biased one (divided by D), as in PyTorch's nn.LayerNorm; eps is inside the root.
"""

import numpy as np


def layer_norm(x, gamma, beta, eps):
    """x (B, T, D), gamma and beta (D,), eps -> y (B, T, D)."""
    B, T, D = x.shape
    mu = x.mean(axis=-1, keepdims=True)  # (B, T, 1)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    x_hat = (x - mu) / np.sqrt(var + eps)
    y = gamma * x_hat + beta
    return y
