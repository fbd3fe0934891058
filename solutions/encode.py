"""Seq2seq encoder: embed each one-hot word and feed it to a tanh RNN; return the last state."""

import numpy as np

_activation = np.tanh


def encode(words, E, W, U, b):
    """words (n, vocab) one-hot rows, E (embed, vocab), W (hidden, embed), U (hidden, hidden),
    b (hidden,) -> h (hidden,), the thought vector."""
    hidden_size = W.shape[0]
    h = np.zeros(hidden_size)
    for w in words:
        e = E.dot(w)
        h = _activation(W.dot(e) + U.dot(h) + b)
    return h  # after the loop, once every word is read
