"""Backpropagation through time for a linear RNN (batch-first).

Forward pass (identity activation, no bias, zero initial state h_{-1} = 0):
    h_t = x_t W^T + h_{t-1} U^T        outputs_t = h_t V^T
Loss: 1/2 * sum ||outputs - ys||^2, averaged over the batch.

Shapes:
    xs : (B, T, D)  inputs         ys : (B, T, O)  targets
    W  : (H, D)     input weights  U  : (H, H)     recurrent weights
    V  : (O, H)     output weights
Returns dW (H, D), dU (H, H), dV (O, H).
"""
import numpy as np


def rnn_net(xs, W, U, V):
    """Forward pass: hiddens (B, T, H) and outputs (B, T, O)."""
    batch_size, n_seq = xs.shape[:2]
    hiddens = np.zeros((batch_size, n_seq, W.shape[0]))
    h = np.zeros((batch_size, W.shape[0]))
    for t in range(n_seq):
        h = xs[:, t].dot(W.T) + h.dot(U.T)  # identity activation
        hiddens[:, t] = h
    outputs = hiddens.dot(V.T)
    return hiddens, outputs


def _calculate_do(outputs, ys):
    """Gradient of 1/2 * sum ||outputs - ys||^2 with respect to outputs."""
    return outputs - ys


def bptt(xs, ys, W, U, V):
    """Return the gradients (dW, dU, dV) of the batch-averaged loss."""
    hiddens, outputs = rnn_net(xs, W, U, V)

    dW = np.zeros_like(W)
    dU = np.zeros_like(U)
    dV = np.zeros_like(V)
    do = _calculate_do(outputs, ys)

    batch_size, n_seq = ys.shape[:2]
    for t in reversed(range(n_seq)):
        dV += np.dot(do[:, t].T, hiddens[:, t]) / batch_size
        delta_t = do[:, t].dot(V)  # (B, H): gradient reaching h_t from outputs_t
        for bptt_step in reversed(range(t + 1)):
            dW += np.dot(delta_t.T, xs[:, bptt_step]) / batch_size
            # Before step 0 the state is the zero initial state, not hiddens[:, -1].
            if bptt_step > 0:
                h_prev = hiddens[:, bptt_step - 1]
            else:
                h_prev = np.zeros_like(hiddens[:, 0])
            dU += np.dot(delta_t.T, h_prev) / batch_size
            delta_t = ___お___  # (お) fill in this blank: gradient reaching h_{t-1}
    return dW, dU, dV
