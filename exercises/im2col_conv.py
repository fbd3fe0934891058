"""im2col and the forward pass of a convolution layer.

Shapes:
    x      : (N, C, H, W)     a batch of N images with C channels, height H, width W
    W      : (FN, C, FH, FW)  FN filters, each C x FH x FW
    b      : (FN,)            one bias per filter
    stride : int              the step between neighbouring receptive fields
    pad    : int              zero padding added on each side of the height and width
Returns out (N, FN, out_h, out_w).

im2col turns each output position's receptive field into one row of `col`, its values in the
order (C, FH, FW) like a flattened filter, so the convolution becomes one matrix product.
"""
import numpy as np


def _out_size(size, filter_size, stride, pad):
    """The output length along one axis (height or width)."""
    return ___あ___  # (あ) fill in this blank


def im2col(x, filter_h, filter_w, stride, pad):
    """x (N, C, H, W) -> col (N*out_h*out_w, C*filter_h*filter_w)."""
    N, C, in_h, in_w = x.shape
    out_h = _out_size(in_h, filter_h, stride, pad)
    out_w = _out_size(in_w, filter_w, stride, pad)

    # 上下左右に 0 を pad 個ずつ足し、フィルタの各位置 (y, xx) が見る値を集める
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w))
    for y in range(filter_h):
        y_max = y + stride * out_h
        for xx in range(filter_w):
            x_max = xx + stride * out_w
            col[:, :, y, xx, :, :] = img[:, :, y:y_max:stride, xx:x_max:stride]

    # (い) fill in this blank: 行は出力の位置 (N, out_h, out_w)、列は (C, filter_h, filter_w)
    col = ___い___.reshape(N * out_h * out_w, -1)
    return col


def conv_forward(x, W, b, stride, pad):
    """Return out (N, FN, out_h, out_w)."""
    FN, C, FH, FW = W.shape
    N, C, in_h, in_w = x.shape
    out_h = _out_size(in_h, FH, stride, pad)
    out_w = _out_size(in_w, FW, stride, pad)

    col = im2col(x, FH, FW, stride, pad)  # (N*out_h*out_w, C*FH*FW)
    col_W = W.reshape(FN, -1).T  # (C*FH*FW, FN)
    out_col = col.dot(col_W) + b  # (N*out_h*out_w, FN)

    # 行列積の結果を (N, FN, out_h, out_w) に並べ直す
    out = ___う___  # (う) fill in this blank
    return out
