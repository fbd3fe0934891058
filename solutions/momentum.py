"""One Momentum update (SGD with momentum), as ゼロから作る Deep Learning's Momentum.update.

    v <- momentum * v - lr * grad
    w <- w + v

The velocity v has the shape of the parameter; the update is element-wise.
"""

import numpy as np


def momentum_update(w, grad, v, lr, momentum):
    """w, grad, v (D, H); lr, momentum floats -> the new w and v (D, H)."""
    v = momentum * v - lr * grad  # the velocity: the old velocity decayed, plus the step
    w = w + v  # v already holds the minus sign of the descent
    return w, v
