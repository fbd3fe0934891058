"""ex.rmsprop: the reference checked independently (an element-by-element loop with math.sqrt, the
moving average's closed form under a constant gradient, a zero gradient kept finite), and the two
blanks submitted through `rabbit submit`."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = {"a": "decay_rate * h + (1 - decay_rate) * grad * grad", "i": "np.sqrt(h) + eps"}


@pytest.fixture
def ref():
    return reference_module("rmsprop").rmsprop


def _loop(w, grad, h, lr, rho, eps):
    D, H = w.shape
    w2, h2 = np.empty((D, H)), np.empty((D, H))
    for d in range(D):
        for k in range(H):
            g = float(grad[d, k])
            h2[d, k] = rho * h[d, k] + (1 - rho) * g * g
            w2[d, k] = w[d, k] - lr * g / (math.sqrt(h2[d, k]) + eps)
    return w2, h2


@pytest.mark.parametrize("D, H, rho", [(3, 5, 0.99), (4, 2, 0.9), (1, 4, 0.5)])
def test_matches_the_elementwise_loop(ref, D, H, rho):
    rng = np.random.default_rng(21 + D)
    w, grad, h = rng.standard_normal((D, H)), rng.standard_normal((D, H)), rng.uniform(0, 0.1, (D, H))
    got = ref(w.copy(), grad.copy(), h.copy(), 0.01, rho, 1e-7)
    want = _loop(w, grad, h, 0.01, rho, 1e-7)
    for g, e in zip(got, want):
        assert g.shape == (D, H)
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15)


def test_h_is_a_moving_average_not_a_sum(ref):
    """From h = 0 with the same gradient g every step, h after t steps is (1 - rho^t)·g²: it tends
    to g² and stays below it (AdaGrad's sum would be t·g²)."""
    rng = np.random.default_rng(22)
    g = rng.standard_normal((2, 3))
    w, h, rho = np.zeros((2, 3)), np.zeros((2, 3)), 0.9
    for t in range(1, 60):
        w, h = ref(w, g, h, 0.01, rho, 1e-7)
        np.testing.assert_allclose(h, (1 - rho ** t) * g * g, rtol=1e-10)
    assert (h <= g * g).all()


def test_a_gradient_that_was_always_zero_leaves_w_unchanged_and_finite(ref):
    g = np.array([[0.0, 1.0, -2.0]])
    w, h = ref(np.ones((1, 3)), g, np.zeros((1, 3)), 0.01, 0.99, 1e-7)
    assert np.isfinite(w).all() and w[0, 0] == 1.0 and h[0, 0] == 0.0


def _submit(*answers):
    args = ["submit", "rmsprop", "--lang", "en"]
    for a in answers:
        args += ["--answer", a]
    return CliRunner().invoke(app, args)


def test_submit_the_right_answers_passes():
    out = _submit(*(f"{k}={v}" for k, v in RIGHT.items()))
    assert out.exit_code == 0, out.output
    assert _submit("あ=2", "い=1").exit_code == 0


def test_one_wrong_blank_is_named():
    out = _submit("a=h + grad * grad", f"i={RIGHT['i']}")
    assert out.exit_code == 1, out.output
    assert "blank (あ) is not right" in out.output and "blank (い) is right" in out.output
    out = _submit(f"a={RIGHT['a']}", "i=np.sqrt(h)")
    assert out.exit_code == 1 and "blank (い) is not right" in out.output, out.output


