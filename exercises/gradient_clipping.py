"""Gradient clipping by norm.

If the L2 norm of the whole gradient exceeds `threshold`, rescale the gradient
so that its norm equals `threshold` (the direction is kept); otherwise return
it unchanged.

    grad      : ndarray of any shape
    threshold : float > 0
Returns an array of the same shape as grad.
"""
import numpy as np


def gradient_clipping(grad, threshold):
    """Return grad, rescaled to norm `threshold` when its norm is larger."""
    norm = np.linalg.norm(grad)
    rate = threshold / norm
    if rate < 1:
        return ___さ___  # (さ) fill in this blank
    return grad
