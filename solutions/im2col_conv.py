"""im2col and a convolution forward pass, as ゼロから作る Deep Learning's im2col and Convolution.

x is (N, C, H, W) (batch, channels, height, width); the filters W are (FN, C, FH, FW) and b is
(FN,). Each output position's receptive field becomes one row of `col`, ordered (C, FH, FW) like
a flattened filter, so the convolution is one matrix product. Zero padding on both sides.
"""

import numpy as np


def _out_size(size, filter_size, stride, pad):
    """The output length along one axis."""
    return (size + 2 * pad - filter_size) // stride + 1


def im2col(x, filter_h, filter_w, stride, pad):
    """x (N, C, H, W) -> col (N*out_h*out_w, C*filter_h*filter_w)."""
    N, C, in_h, in_w = x.shape
    out_h = _out_size(in_h, filter_h, stride, pad)
    out_w = _out_size(in_w, filter_w, stride, pad)

    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for xx in range(filter_w):
            x_max = xx + stride * out_w
            col[:, :, y, xx, :, :] = img[:, :, y:y_max:stride, xx:x_max:stride]

    # rows (N, out_h, out_w), columns (C, filter_h, filter_w)
    col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)
    return col


def conv_forward(x, W, b, stride, pad):
    """x (N, C, H, W), W (FN, C, FH, FW), b (FN,), stride and pad ints -> out (N, FN, out_h, out_w)."""
    FN, C, FH, FW = W.shape
    N, C, in_h, in_w = x.shape
    out_h = _out_size(in_h, FH, stride, pad)
    out_w = _out_size(in_w, FW, stride, pad)

    col = im2col(x, FH, FW, stride, pad)  # (N*out_h*out_w, C*FH*FW)
    col_W = W.reshape(FN, -1).T  # (C*FH*FW, FN)
    out_col = col.dot(col_W) + b  # (N*out_h*out_w, FN)
    out = out_col.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    return out
