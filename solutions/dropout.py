"""Inverted dropout, forward and backward, with the random numbers given as an input.

Training (train_flg true): a unit is kept where u > dropout_ratio (so each is dropped with
probability dropout_ratio), and the kept ones are scaled by 1 / (1 - dropout_ratio) so that the
expected output equals x. The backward pass lets the gradient through the same mask with the same
scale. Inference: the layer does nothing (out = x, dx = dout); the scaling was done in training.
"""

import numpy as np


def dropout(x, dout, u, dropout_ratio, train_flg):
    """x, dout, u (B, D); u uniform in [0, 1); dropout_ratio float; train_flg int -> out, dx (B, D)."""
    if train_flg:
        mask = u > dropout_ratio  # True = kept
        out = x * mask / (1 - dropout_ratio)
        dx = dout * mask / (1 - dropout_ratio)
    else:
        out = x
        dx = dout
    return out, dx
