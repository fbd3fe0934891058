"""Gradient clipping by norm: rescale the whole gradient when its norm passes the threshold."""

import numpy as np


def gradient_clipping(grad, threshold):
    norm = np.linalg.norm(grad)
    if norm > threshold:
        rate = threshold / norm  # computed only here, so a zero gradient never divides by zero
        grad = grad * rate
    return grad
