"""One Adam step with bias correction (Kingma & Ba, 2015).

    m <- beta1 * m + (1 - beta1) * grad          first moment (mean of the gradient)
    v <- beta2 * v + (1 - beta2) * grad**2       second moment (mean of its square)
    m_hat = m / (1 - beta1**t),  v_hat = v / (1 - beta2**t)   bias correction, t = 1 at the first step
    w <- w - lr * m_hat / (sqrt(v_hat) + eps)    eps outside the square root, as in the paper

m and v are the moments after the previous step (zeros before the first); t counts this step.
"""

import numpy as np


def adam(w, grad, m, v, t, lr, beta1, beta2, eps):
    """w, grad, m, v (D, H); t int >= 1; lr, beta1, beta2, eps floats -> the new w, m, v (D, H)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)  # both moments start at 0 and are biased towards it early on
    v_hat = v / (1 - beta2 ** t)
    denom = np.sqrt(v_hat) + eps  # eps outside the root
    w = w - lr * m_hat / denom
    return w, m, v
