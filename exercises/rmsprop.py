"""One RMSProp update.

Shapes:
    w          : (D, H)   the parameter
    grad       : (D, H)   dL/dw at w
    h          : (D, H)   the moving average of grad² after the previous step (zeros before the first)
    lr         : float    the learning rate
    decay_rate : float    how much of the old average is kept (e.g. 0.99)
    eps        : float    a small constant that keeps the division finite (e.g. 1e-7)
Returns w (D, H), the updated parameter, and h (D, H), the updated average.
"""
import numpy as np


def rmsprop(w, grad, h, lr, decay_rate, eps):
    """Return (w, h) after one RMSProp step."""
    # 勾配の 2 乗の指数移動平均 (古い勾配の影響は徐々に消える)
    h = ___あ___  # (あ) fill in this blank

    # パラメータの更新: 勾配が大きかった要素ほど一歩を小さくする
    denom = ___い___  # (い) fill in this blank
    w = w - lr * grad / denom
    return w, h
