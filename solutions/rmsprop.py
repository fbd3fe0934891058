"""One RMSProp update, as ゼロから作る Deep Learning's RMSprop.update.

    h <- decay_rate * h + (1 - decay_rate) * grad**2    an exponential moving average of grad²
    w <- w - lr * grad / (sqrt(h) + eps)                eps outside the square root

h is the average after the previous step (zeros before the first); everything is element-wise.
"""

import numpy as np


def rmsprop(w, grad, h, lr, decay_rate, eps):
    """w, grad, h (D, H); lr, decay_rate, eps floats -> the new w and h (D, H)."""
    h = decay_rate * h + (1 - decay_rate) * grad * grad  # old squares fade away (AdaGrad keeps adding)
    denom = np.sqrt(h) + eps  # eps keeps 0 / 0 away where a gradient has always been 0
    w = w - lr * grad / denom
    return w, h
