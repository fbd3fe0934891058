"""Seq2seq encoder: embed one-hot words and run a tanh RNN over them.

Shapes:
    words : (n, vocab)        one one-hot row per word
    E     : (embed, vocab)    embedding matrix, one column per word
    W     : (hidden, embed)   input weights, stored (out, in)
    U     : (hidden, hidden)  recurrent weights
    b     : (hidden,)         bias
Returns h (hidden,), the state after the last word (the thought vector).
"""
import numpy as np


def _activation(x):
    return np.tanh(x)


def encode(words, E, W, U, b):
    """Return the final hidden state (hidden,)."""
    hidden_size = W.shape[0]
    h = np.zeros(hidden_size)  # zero initial state
    for w in words:
        e = ___き___  # (き) fill in this blank: the embedding of w, (embed,)
        h = _activation(W.dot(e) + U.dot(h) + b)
    return h
