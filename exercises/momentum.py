"""One Momentum update (SGD with momentum).

Shapes:
    w        : (D, H)   the parameter
    grad     : (D, H)   dL/dw at w
    v        : (D, H)   the velocity after the previous step (zeros before the first)
    lr       : float    the learning rate η
    momentum : float    the momentum coefficient α (e.g. 0.9)
Returns w (D, H), the updated parameter, and v (D, H), the updated velocity.

    v <- α v - η grad
    w <- w + v
"""
import numpy as np


def momentum_update(w, grad, v, lr, momentum):
    """Return (w, v) after one Momentum step."""
    # 速度の更新: 前の速度を α 倍して残し、勾配と逆向きの一歩 −η·grad を加える
    v = ___あ___  # (あ) fill in this blank

    # パラメータの更新
    w = ___い___  # (い) fill in this blank
    return w, v
