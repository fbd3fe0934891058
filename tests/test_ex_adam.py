"""ex.adam: the reference checked independently (an element-by-element loop with math.sqrt, the
bias correction's defining property under a constant gradient, the first step ≈ lr·sign(grad)),
and the three blanks submitted through `rabbit submit`."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = {"a": "m / (1 - beta1 ** t)", "i": "v / (1 - beta2 ** t)", "u": "np.sqrt(v_hat) + eps"}


@pytest.fixture
def ref():
    return reference_module("adam").adam


def _loop(w, grad, m, v, t, lr, b1, b2, eps):
    D, H = w.shape
    w2, m2, v2 = np.empty((D, H)), np.empty((D, H)), np.empty((D, H))
    for d in range(D):
        for h in range(H):
            g = float(grad[d, h])
            m2[d, h] = b1 * m[d, h] + (1 - b1) * g
            v2[d, h] = b2 * v[d, h] + (1 - b2) * g * g
            m_hat = m2[d, h] / (1 - b1 ** t)
            v_hat = v2[d, h] / (1 - b2 ** t)
            w2[d, h] = w[d, h] - lr * m_hat / (math.sqrt(v_hat) + eps)
    return w2, m2, v2


@pytest.mark.parametrize("D, H, t", [(3, 5, 3), (4, 2, 10), (1, 4, 1), (6, 7, 100)])
def test_matches_the_elementwise_loop(ref, D, H, t):
    rng = np.random.default_rng(11 + t)
    w, grad, m = rng.standard_normal((D, H)), rng.standard_normal((D, H)), 0.1 * rng.standard_normal((D, H))
    v = rng.uniform(0, 0.1, (D, H))
    got = ref(w.copy(), grad.copy(), m.copy(), v.copy(), t, 0.01, 0.9, 0.999, 1e-8)
    want = _loop(w, grad, m, v, t, 0.01, 0.9, 0.999, 1e-8)
    for g, e in zip(got, want):
        assert g.shape == (D, H)
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15)


def test_bias_correction_recovers_a_constant_gradient(ref):
    """From m = v = 0 with the same gradient g at every step, m_hat = g and v_hat = g² exactly, so
    every step moves w by lr·g/(|g| + eps): the correction is what makes this hold for all t."""
    rng = np.random.default_rng(12)
    g = rng.standard_normal((2, 3))
    w, m, v = np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3))
    lr, eps = 0.01, 1e-8
    for t in range(1, 30):
        w_new, m, v = ref(w, g, m, v, t, lr, 0.9, 0.999, eps)
        np.testing.assert_allclose(w - w_new, lr * g / (np.abs(g) + eps), rtol=1e-9)
        w = w_new


def test_first_step_is_about_lr_times_the_sign(ref):
    rng = np.random.default_rng(13)
    g = rng.standard_normal((3, 4)) * rng.uniform(1e-3, 1e3, (3, 4))  # any size
    w, _, _ = ref(np.zeros((3, 4)), g, np.zeros((3, 4)), np.zeros((3, 4)), 1, 0.001, 0.9, 0.999, 1e-8)
    np.testing.assert_allclose(w, -0.001 * np.sign(g), rtol=1e-4)


def test_a_zero_gradient_at_the_first_step_leaves_w_and_is_finite(ref):
    g = np.array([[0.0, 1.0, -2.0]])
    w, m, v = ref(np.ones((1, 3)), g, np.zeros((1, 3)), np.zeros((1, 3)), 1, 0.01, 0.9, 0.999, 1e-8)
    assert np.isfinite(w).all() and w[0, 0] == 1.0


def _submit(*answers):
    args = ["submit", "adam", "--lang", "en"]
    for a in answers:
        args += ["--answer", a]
    return CliRunner().invoke(app, args)


def test_submit_the_right_answers_passes():
    out = _submit(*(f"{k}={v}" for k, v in RIGHT.items()))
    assert out.exit_code == 0, out.output
    assert _submit("あ=3", "い=1", "う=2").exit_code == 0


def test_one_wrong_blank_is_named():
    out = _submit(f"a={RIGHT['a']}", f"i={RIGHT['i']}", "u=np.sqrt(v_hat + eps)")
    assert out.exit_code == 1, out.output
    assert "blank (う) is not right" in out.output
    assert "blank (あ) is right" in out.output and "blank (い) is right" in out.output
    out = _submit("a=m / (1 - beta1)", f"i={RIGHT['i']}", f"u={RIGHT['u']}")
    assert out.exit_code == 1 and "blank (あ) is not right" in out.output, out.output


