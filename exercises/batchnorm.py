"""Batch normalisation: the forward pass in training mode.

Shapes:
    x     : (B, D)   a mini-batch of B samples with D features
    gamma : (D,)     the scale, one per feature
    beta  : (D,)     the shift, one per feature
    eps   : float    a small constant that keeps the division finite (e.g. 1e-5)
Returns out (B, D).

Each feature is normalised with the mean and the (biased, divided by B) variance of the
mini-batch, then scaled by gamma and shifted by beta.
"""
import numpy as np


def batchnorm_forward(x, gamma, beta, eps):
    """Return out (B, D) for one batch-normalisation layer in training mode."""
    B, D = x.shape

    # 特徴ごとに、ミニバッチ方向の平均と分散を求める
    mu = ___あ___  # (あ) fill in this blank
    xc = x - mu
    var = ___い___  # (い) fill in this blank

    # 正規化して、スケール γ を掛け、シフト β を足す
    xn = ___う___  # (う) fill in this blank
    out = gamma * xn + beta
    return out
