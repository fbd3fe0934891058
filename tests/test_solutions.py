"""The reference engine, each function checked against an independent formula.

Nothing here calls a reference to check itself: gradients are compared with finite differences,
forward passes with the formulas written out element by element or step by step.
"""

import ast
import math

import numpy as np
import pytest

from quiz.resources import reference_module, solutions_dir, solutions_package

# Distinct, non-square sizes: a transposed weight or a joined wrong axis fails with a shape error.
B, T, D, H, O = 3, 4, 5, 6, 2


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


def sig(v):
    return 1.0 / (1.0 + math.exp(-v))


def dot(row, vec):
    return sum(r * x for r, x in zip(row, vec))


# --------------------------------------------------------------------------- the package


def test_package_exports_every_function():
    pkg = solutions_package()
    for name in ("traverse", "bptt", "gradient_clipping", "lstm", "gru", "bidirectional_rnn_net",
                 "encode", "attention", "softmax", "rnn_net", "_rnn", "_sigmoid", "_calculate_do"):
        assert callable(getattr(pkg, name)), name
    assert reference_module("lstm").lstm is pkg.lstm


def test_solutions_use_relative_imports_and_nothing_from_quiz():
    for path in sorted(solutions_dir().glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert [a.name for a in node.names] == ["numpy"], f"{path.name}: {ast.unparse(node)}"
            elif isinstance(node, ast.ImportFrom):
                assert node.level >= 1 or node.module == "numpy", f"{path.name}: {ast.unparse(node)}"


# --------------------------------------------------------------------------- bptt


def _loss(xs, ys, W, U, V):
    """1/2 * sum ||o - y||^2 / batch for h_t = W x_t + U h_{t-1}, h_{-1} = 0, o_t = V h_t."""
    total = 0.0
    for n in range(xs.shape[0]):
        h = np.zeros(W.shape[0])
        for t in range(xs.shape[1]):
            h = W @ xs[n, t] + U @ h
            total += 0.5 * np.sum((V @ h - ys[n, t]) ** 2)
    return total / xs.shape[0]


def _numerical_grad(f, param, eps=1e-6):
    grad = np.zeros_like(param)
    for idx in np.ndindex(param.shape):
        saved = param[idx]
        param[idx] = saved + eps
        plus = f()
        param[idx] = saved - eps
        minus = f()
        param[idx] = saved
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def _rel_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def _bptt_inputs(rng, b, t, d=D, h=H, o=O):
    xs = rng.standard_normal((b, t, d))
    ys = rng.standard_normal((b, t, o))
    W = rng.standard_normal((h, d)) * 0.5
    U = rng.standard_normal((h, h)) * 0.3
    V = rng.standard_normal((o, h)) * 0.5
    return xs, ys, W, U, V


@pytest.mark.parametrize("b, t", [(B, T), (B, 1), (1, T)], ids=["B3T4", "T1", "B1"])
def test_bptt_matches_finite_differences(rng, b, t):
    bptt = reference_module("bptt").bptt
    xs, ys, W, U, V = _bptt_inputs(rng, b, t)
    dW, dU, dV = bptt(xs, ys, W.copy(), U.copy(), V.copy())
    assert (dW.shape, dU.shape, dV.shape) == ((H, D), (H, H), (O, H))
    assert dW.dtype == dU.dtype == dV.dtype == np.float64
    for param, analytic in ((W, dW), (U, dU), (V, dV)):
        numeric = _numerical_grad(lambda: _loss(xs, ys, W, U, V), param)
        assert _rel_error(analytic, numeric) < 1e-6


def _buggy_bptt(xs, ys, W, U, V):
    """The printed loop: hiddens[:, bptt_step-1] wraps to the last state at step 0."""
    batch_size, n_seq = ys.shape[:2]
    hiddens = np.zeros((batch_size, n_seq, W.shape[0]))
    h = np.zeros((batch_size, W.shape[0]))
    for t in range(n_seq):
        h = xs[:, t] @ W.T + h @ U.T
        hiddens[:, t] = h
    do = hiddens @ V.T - ys
    dW, dU, dV = np.zeros_like(W), np.zeros_like(U), np.zeros_like(V)
    for t in reversed(range(n_seq)):
        dV += do[:, t].T @ hiddens[:, t] / batch_size
        delta_t = do[:, t] @ V
        for bptt_step in reversed(range(t + 1)):
            dW += delta_t.T @ xs[:, bptt_step] / batch_size
            dU += delta_t.T @ hiddens[:, bptt_step - 1] / batch_size
            delta_t = delta_t @ U
    return dW, dU, dV


def test_bptt_is_not_the_wrap_around_version(rng):
    bptt = reference_module("bptt").bptt
    xs, ys, W, U, V = _bptt_inputs(rng, B, T)
    dW, dU, dV = bptt(xs, ys, W, U, V)
    bad_dW, bad_dU, bad_dV = _buggy_bptt(xs, ys, W, U, V)
    np.testing.assert_allclose(dW, bad_dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dV, bad_dV, rtol=1e-12, atol=1e-12)
    assert not np.allclose(dU, bad_dU)  # only dU is corrupted by the wrap-around
    numeric = _numerical_grad(lambda: _loss(xs, ys, W, U, V), U)
    assert _rel_error(bad_dU, numeric) > 1e-3
    assert _rel_error(dU, numeric) < 1e-6


# --------------------------------------------------------------------------- gradient clipping


def test_gradient_clipping_above_threshold_rescales_to_threshold(rng):
    clip = reference_module("gradient_clipping").gradient_clipping
    grad = rng.standard_normal((H, D)) * 10
    norm = math.sqrt(float(np.sum(grad**2)))
    threshold = norm / 7
    clipped = clip(grad.copy(), threshold)
    assert clipped.shape == grad.shape
    assert math.isclose(math.sqrt(float(np.sum(clipped**2))), threshold, rel_tol=1e-12)
    np.testing.assert_allclose(clipped / threshold, grad / norm, rtol=1e-12)  # same direction


def test_gradient_clipping_below_threshold_is_unchanged(rng):
    clip = reference_module("gradient_clipping").gradient_clipping
    grad = rng.standard_normal((H, D))
    threshold = float(np.sqrt(np.sum(grad**2))) * 2
    np.testing.assert_array_equal(clip(grad.copy(), threshold), grad)


def test_gradient_clipping_at_exactly_the_threshold_is_unchanged():
    clip = reference_module("gradient_clipping").gradient_clipping
    grad = np.array([3.0, 4.0])  # norm exactly 5
    np.testing.assert_array_equal(clip(grad.copy(), 5.0), grad)


def test_gradient_clipping_zero_gradient_does_not_divide_by_zero():
    clip = reference_module("gradient_clipping").gradient_clipping
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(clip(np.zeros(3), 0.0), np.zeros(3))


# --------------------------------------------------------------------------- lstm


def test_lstm_matches_elementwise_formula(rng):
    lstm = reference_module("lstm").lstm
    x = rng.standard_normal((B, D))
    prev_h = rng.standard_normal((B, H))
    prev_c = rng.standard_normal((B, H))
    W = rng.standard_normal((4 * H, D))
    U = rng.standard_normal((4 * H, H))
    b = rng.standard_normal(4 * H)
    c, h = lstm(x, prev_h, prev_c, W, U, b)
    assert c.shape == h.shape == (B, H) and c.dtype == h.dtype == np.float64
    for n in range(B):
        for k in range(H):
            # rows of W, U, b in blocks: candidate a, input i, forget f, output o
            pre = [dot(W[g * H + k], x[n]) + dot(U[g * H + k], prev_h[n]) + b[g * H + k] for g in range(4)]
            a, i, f, o = math.tanh(pre[0]), sig(pre[1]), sig(pre[2]), sig(pre[3])
            want_c = i * a + f * prev_c[n, k]
            assert math.isclose(c[n, k], want_c, rel_tol=1e-12, abs_tol=1e-12)
            assert math.isclose(h[n, k], o * math.tanh(want_c), rel_tol=1e-12, abs_tol=1e-12)


# --------------------------------------------------------------------------- gru


def test_gru_matches_elementwise_formula(rng):
    gru = reference_module("gru").gru
    x = rng.standard_normal((B, D))
    h = rng.standard_normal((B, H))
    W_r, W_z, W = (rng.standard_normal((H, D)) for _ in range(3))
    U_r, U_z, U = (rng.standard_normal((H, H)) for _ in range(3))
    h_new = gru(x, h, W_r, U_r, W_z, U_z, W, U)
    assert h_new.shape == (B, H) and h_new.dtype == np.float64
    for n in range(B):
        r = [sig(dot(W_r[k], x[n]) + dot(U_r[k], h[n])) for k in range(H)]
        rh = [r[k] * h[n, k] for k in range(H)]
        for k in range(H):
            z = sig(dot(W_z[k], x[n]) + dot(U_z[k], h[n]))
            h_bar = math.tanh(dot(W[k], x[n]) + dot(U[k], rh))
            want = (1 - z) * h[n, k] + z * h_bar  # the exam's convention
            assert math.isclose(h_new[n, k], want, rel_tol=1e-12, abs_tol=1e-12)


# --------------------------------------------------------------------------- bidirectional


def _sequence_states(x, W, U, reverse=False):
    """One unbatched tanh RNN over x (T, D); states listed in time order either way."""
    steps = range(x.shape[0])
    states = [None] * x.shape[0]
    h = np.zeros(W.shape[0])
    for t in (reversed(steps) if reverse else steps):
        h = np.tanh(W @ x[t] + U @ h)
        states[t] = h
    return states


def _bidirectional_weights(rng):
    W_f, W_b = rng.standard_normal((H, D)), rng.standard_normal((H, D))
    U_f, U_b = rng.standard_normal((H, H)) * 0.5, rng.standard_normal((H, H)) * 0.5
    V = rng.standard_normal((O, 2 * H))
    return W_f, U_f, W_b, U_b, V


@pytest.mark.parametrize("b, t", [(B, T), (1, T), (B, 1)], ids=["B3T4", "B1", "T1"])
def test_bidirectional_matches_forward_and_reversed_passes(rng, b, t):
    net = reference_module("bidirectional").bidirectional_rnn_net
    xs = rng.standard_normal((b, t, D))
    W_f, U_f, W_b, U_b, V = _bidirectional_weights(rng)
    ys = net(xs, W_f, U_f, W_b, U_b, V)
    assert ys.shape == (b, t, O) and ys.dtype == np.float64
    for n in range(b):
        fwd = _sequence_states(xs[n], W_f, U_f)
        bwd = _sequence_states(xs[n], W_b, U_b, reverse=True)  # step t has seen x[t:]
        for s in range(t):
            want = V @ np.concatenate([fwd[s], bwd[s]])
            np.testing.assert_allclose(ys[n, s], want, rtol=1e-12, atol=1e-12)


def test_bidirectional_batch_of_one_agrees_with_unbatched_formula(rng):
    net = reference_module("bidirectional").bidirectional_rnn_net
    x = rng.standard_normal((T, D))
    W_f, U_f, W_b, U_b, V = _bidirectional_weights(rng)
    # The unbatched textbook form: run backward on x[::-1], flip back, join along axis 1.
    h_f = np.array(_sequence_states(x, W_f, U_f))
    h_b = np.array(_sequence_states(x[::-1], W_b, U_b))
    want = np.concatenate([h_f, h_b[::-1]], axis=1).dot(V.T)
    np.testing.assert_allclose(net(x[None], W_f, U_f, W_b, U_b, V)[0], want, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- encode


def test_encode_matches_step_by_step_formula(rng):
    encode = reference_module("encode").encode
    vocab, embed, hidden = 7, 5, 4
    ids = [3, 0, 6, 3]
    words = np.eye(vocab)[ids]
    E = rng.standard_normal((embed, vocab))
    W = rng.standard_normal((hidden, embed))
    U = rng.standard_normal((hidden, hidden)) * 0.5
    b = rng.standard_normal(hidden)
    h = [0.0] * hidden
    for word in ids:
        e = [E[j, word] for j in range(embed)]  # a one-hot word picks one column of E
        h = [math.tanh(dot(W[k], e) + dot(U[k], h) + b[k]) for k in range(hidden)]
    got = encode(words, E, W, U, b)
    assert got.shape == (hidden,) and got.dtype == np.float64
    np.testing.assert_allclose(got, h, rtol=1e-12, atol=1e-12)
    # the state after the first word alone differs: the loop must read every word
    assert not np.allclose(got, encode(words[:1], E, W, U, b))


# --------------------------------------------------------------------------- traverse


def _tree_value(node, W, b):
    if not isinstance(node, dict):
        return list(node)
    child = _tree_value(node["left"], W, b) + _tree_value(node["right"], W, b)
    return [math.tanh(dot(W[k], child) + b[k]) for k in range(len(b))]


def test_traverse_matches_recursive_formula(rng, monkeypatch):
    module = reference_module("traverse")
    e = 4
    W = rng.standard_normal((e, 2 * e))
    b = rng.standard_normal(e)
    monkeypatch.setattr(module, "W", W)
    monkeypatch.setattr(module, "b", b)
    leaf = [rng.standard_normal(e) for _ in range(5)]
    # depth 4: ((l0, (l1, l2)), (l3, l4)) nested under one more node with l0
    tree = {
        "left": {"left": leaf[0], "right": {"left": leaf[1], "right": leaf[2]}},
        "right": {"left": {"left": leaf[3], "right": leaf[4]}, "right": leaf[0]},
    }
    got = module.traverse(tree)
    assert got.shape == (e,) and got.dtype == np.float64
    np.testing.assert_allclose(got, _tree_value(tree, W, b), rtol=1e-12, atol=1e-12)


def test_traverse_returns_a_leaf_itself(rng, monkeypatch):
    module = reference_module("traverse")
    monkeypatch.setattr(module, "W", rng.standard_normal((4, 8)))
    monkeypatch.setattr(module, "b", rng.standard_normal(4))
    leaf = rng.standard_normal(4)
    assert module.traverse(leaf) is leaf


# --------------------------------------------------------------------------- attention


def test_attention_matches_explicit_softmax_average(rng):
    attention = reference_module("attention").attention
    h = rng.standard_normal((B, H))
    hs = rng.standard_normal((B, T, H))
    c = attention(h, hs)
    assert c.shape == (B, H) and c.dtype == np.float64
    for n in range(B):
        scores = [dot(hs[n, t], h[n]) for t in range(T)]
        weights = [math.exp(s) for s in scores]
        total = sum(weights)
        for k in range(H):
            want = sum(weights[t] / total * hs[n, t, k] for t in range(T))
            assert math.isclose(c[n, k], want, rel_tol=1e-12, abs_tol=1e-12)


def test_attention_is_stable_for_large_scores(rng):
    attention = reference_module("attention").attention
    hs = rng.standard_normal((B, T, H))
    h = rng.standard_normal((B, H)) * 1000  # scores in the thousands: a naive exp overflows
    with np.errstate(over="raise", invalid="raise"):
        c = attention(h, hs)
    for n in range(B):
        scores = [dot(hs[n, t], h[n]) for t in range(T)]
        top = max(scores)
        weights = [math.exp(s - top) for s in scores]
        want = [sum(weights[t] * hs[n, t, k] for t in range(T)) / sum(weights) for k in range(H)]
        np.testing.assert_allclose(c[n], want, rtol=1e-9, atol=1e-12)
