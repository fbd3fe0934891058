"""ReLU and sigmoid layers, forward and backward (batch-first), each backward from its own cache.

ReLU keeps mask = (x <= 0) from the forward pass; the sigmoid keeps its output out = sigmoid(x),
so that its derivative is out * (1 - out). x and dout (B, D).
"""

import numpy as np

from ._common import _sigmoid


def relu_forward(x):
    mask = x <= 0
    out = x.copy()
    out[mask] = 0
    return out, mask


def relu_backward(dout, mask):
    dx = dout.copy()  # a copy: dout is used again by the sigmoid's backward
    dx[mask] = 0
    return dx


def sigmoid_forward(x):
    return _sigmoid(x)


def sigmoid_backward(dout, out):
    return dout * (1.0 - out) * out


def relu_sigmoid_backward(x, dout):
    """x (B, D), dout (B, D) -> dx_relu (B, D), dx_sigmoid (B, D)."""
    B, D = x.shape
    _, mask = relu_forward(x)
    out = sigmoid_forward(x)
    dx_relu = relu_backward(dout, mask)
    dx_sigmoid = sigmoid_backward(dout, out)
    return dx_relu, dx_sigmoid
