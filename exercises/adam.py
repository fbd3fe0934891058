"""One Adam step with bias correction.

Shapes:
    w     : (D, H)   the parameter
    grad  : (D, H)   dL/dw at w
    m     : (D, H)   the first moment after the previous step (zeros before the first)
    v     : (D, H)   the second moment after the previous step (zeros before the first)
    t     : int      the number of this step, 1 at the first update
    lr    : float    the learning rate
    beta1 : float    the decay rate of m (e.g. 0.9)
    beta2 : float    the decay rate of v (e.g. 0.999)
    eps   : float    a small constant that keeps the division finite (e.g. 1e-8)
Returns w, m and v (D, H) after the step.
"""
import numpy as np


def adam(w, grad, m, v, t, lr, beta1, beta2, eps):
    """Return (w, m, v) after one Adam step."""
    # 勾配の移動平均 (1 次) と、勾配の 2 乗の移動平均 (2 次)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2

    # バイアス補正: m と v は 0 から始まるので、はじめのうちは 0 に偏っている
    m_hat = ___あ___  # (あ) fill in this blank
    v_hat = ___い___  # (い) fill in this blank

    # パラメータの更新: 分母は勾配の大きさの目安に ε を足したもの
    denom = ___う___  # (う) fill in this blank
    w = w - lr * m_hat / denom
    return w, m, v
