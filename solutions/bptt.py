"""Backpropagation through time for a linear RNN (identity activation)."""

import numpy as np

from ._common import _calculate_do


def _rnn_net(xs, W, U, V):
    """The exam's forward pass: h_t = x_t W^T + h_{t-1} U^T with h_{-1} = 0, o_t = h_t V^T."""
    B, T, D = xs.shape
    H = W.shape[0]
    hiddens = np.zeros((B, T, H))
    h = np.zeros((B, H))
    for t in range(T):
        h = xs[:, t].dot(W.T) + h.dot(U.T)
        hiddens[:, t] = h
    outputs = hiddens.dot(V.T)
    return hiddens, outputs


def bptt(xs, ys, W, U, V):
    """xs (B, T, D), ys (B, T, O), W (H, D), U (H, H), V (O, H) -> dW, dU, dV.

    Loss: 1/2 * sum ||o - y||^2 averaged over the batch, hence the division by batch_size.
    """
    batch_size, n_seq = ys.shape[:2]
    hiddens, outputs = _rnn_net(xs, W, U, V)

    dW = np.zeros_like(W, dtype=np.float64)
    dU = np.zeros_like(U, dtype=np.float64)
    dV = np.zeros_like(V, dtype=np.float64)

    do = _calculate_do(outputs, ys)
    for t in reversed(range(n_seq)):
        dV += np.dot(do[:, t].T, hiddens[:, t]) / batch_size
        delta_t = do[:, t].dot(V)
        for bptt_step in reversed(range(t + 1)):
            # The printed hiddens[:, bptt_step-1] wraps to the last state at step 0; h_{-1} is zero.
            h_prev = hiddens[:, bptt_step - 1] if bptt_step > 0 else np.zeros_like(hiddens[:, 0])
            dW += np.dot(delta_t.T, xs[:, bptt_step]) / batch_size
            dU += np.dot(delta_t.T, h_prev) / batch_size
            delta_t = delta_t.dot(U)
    return dW, dU, dV
