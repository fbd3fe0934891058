"""Recursive (tree) neural network: combine two children into one vector of the same size."""

import numpy as np

# Set by the caller before traverse() runs, as in the exam: W (E, 2E), b (E,).
W = None
b = None

_activation = np.tanh


def traverse(node):
    """node is a leaf vector (E,) or a dict {'left': node, 'right': node}."""
    if not isinstance(node, dict):
        v = node
    else:
        left = traverse(node['left'])
        right = traverse(node['right'])
        v = _activation(W.dot(np.concatenate([left, right])) + b)
    return v  # outside the else: a leaf returns itself
