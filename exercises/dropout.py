"""Inverted dropout: the forward output and the backward gradient of one layer.

Shapes:
    x             : (B, D)   the layer's input
    dout          : (B, D)   dL/dout, the gradient arriving from the layer above
    u             : (B, D)   uniform random numbers in [0, 1), one per unit (drawn for you)
    dropout_ratio : float    the probability of dropping a unit (e.g. 0.3)
    train_flg     : int      1 in training, 0 in inference
Returns out (B, D), the forward output, and dx (B, D), dL/dx.

In training a unit is kept where u > dropout_ratio, and the kept ones are scaled by
1 / (1 - dropout_ratio) (inverted dropout). In inference the layer passes everything through.
"""
import numpy as np


def dropout(x, dout, u, dropout_ratio, train_flg):
    """Return (out, dx) for one dropout layer."""
    if train_flg:
        # 学習時: 残すユニットで True になるマスク
        mask = ___あ___  # (あ) fill in this blank
        # 順伝播: 落としたぶんの期待値を保つようにスケールする
        out = ___い___  # (い) fill in this blank
        # 逆伝播
        dx = ___う___  # (う) fill in this blank
    else:
        # 推論時: スケールは学習時に済んでいるので、そのまま通す
        out = x
        dx = dout
    return out, dx
