"""The backward passes of ReLU and sigmoid, each from what its forward pass kept (batch-first).

Shapes:
    x    : (B, D)    inputs of both layers
    dout : (B, D)    dL/dout, the gradient coming from the layer above (the same for both)
Returns dx_relu (B, D) and dx_sigmoid (B, D).

Caches: ReLU keeps mask = (x <= 0); the sigmoid keeps its output out = sigmoid(x).
"""
import numpy as np


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def relu_forward(x):
    """Return (out, mask): out = max(0, x), mask marks where x <= 0."""
    mask = x <= 0
    out = x.copy()
    out[mask] = 0
    return out, mask


def relu_backward(dout, mask):
    """Return dx from dout and the forward's mask."""
    dx = dout.copy()  # a copy: dout is used again below
    dx[___あ___] = 0  # (あ) fill in this blank
    return dx


def sigmoid_forward(x):
    """Return out = sigmoid(x) (kept as the cache)."""
    return _sigmoid(x)


def sigmoid_backward(dout, out):
    """Return dx from dout and the forward's output."""
    dx = ___い___  # (い) fill in this blank
    return dx


def relu_sigmoid_backward(x, dout):
    """Forward both layers on x, then backward both with the same dout."""
    B, D = x.shape
    _, mask = relu_forward(x)
    out = sigmoid_forward(x)
    dx_relu = relu_backward(dout, mask)
    dx_sigmoid = sigmoid_backward(dout, out)
    return dx_relu, dx_sigmoid
