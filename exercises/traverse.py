"""Recursive neural network: fold a binary tree of word vectors into one vector.

A leaf is a word vector of shape (E,); an inner node is a dict
{'left': subtree, 'right': subtree}. Every inner node joins its two children
and maps them back to E dimensions:  v = tanh(W [left; right] + b).

Module globals (the grader sets them before calling traverse):
    W : (E, 2E)  weights, stored (out, in), applied to the joined children
    b : (E,)     bias
"""
import numpy as np

# W (E, 2E) and b (E,) are module globals: the grader sets them before the call.


def _activation(x):
    return np.tanh(x)


def traverse(node):
    """Return the vector of shape (E,) for `node` (a leaf vector or a dict)."""
    if not isinstance(node, dict):
        v = node  # a leaf: the word vector itself
    else:
        left = traverse(node['left'])
        right = traverse(node['right'])
        v = _activation(___く___ + b)  # (く) fill in this blank
    return v
