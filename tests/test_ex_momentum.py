"""ex.momentum: the reference checked independently (an element-by-element loop, two steps unrolled
by hand, the first step equal to plain SGD), and the two blanks submitted through `rabbit submit`."""

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = {"a": "momentum * v - lr * grad", "i": "w + v"}


@pytest.fixture
def ref():
    return reference_module("momentum").momentum_update


def _loop(w, grad, v, lr, alpha):
    """The update written out one element at a time."""
    D, H = w.shape
    w_new, v_new = np.empty((D, H)), np.empty((D, H))
    for d in range(D):
        for h in range(H):
            v_new[d, h] = alpha * v[d, h] - lr * grad[d, h]
            w_new[d, h] = w[d, h] + v_new[d, h]
    return w_new, v_new


@pytest.mark.parametrize("D, H, lr, alpha", [(3, 5, 0.1, 0.9), (4, 2, 0.05, 0.8), (1, 4, 0.01, 0.95)])
def test_matches_the_elementwise_loop(ref, D, H, lr, alpha):
    rng = np.random.default_rng(7)
    w, grad, v = rng.standard_normal((D, H)), rng.standard_normal((D, H)), 0.1 * rng.standard_normal((D, H))
    got_w, got_v = ref(w.copy(), grad.copy(), v.copy(), lr, alpha)
    want_w, want_v = _loop(w, grad, v, lr, alpha)
    assert got_w.shape == (D, H) and got_v.shape == (D, H)
    np.testing.assert_allclose(got_w, want_w, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got_v, want_v, rtol=1e-12, atol=1e-14)


def test_first_step_from_zero_velocity_is_plain_sgd(ref):
    rng = np.random.default_rng(8)
    w, grad = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    got_w, got_v = ref(w, grad, np.zeros((2, 3)), 0.1, 0.9)
    np.testing.assert_allclose(got_w, w - 0.1 * grad, rtol=1e-12)
    np.testing.assert_allclose(got_v, -0.1 * grad, rtol=1e-12)


def test_two_steps_unrolled(ref):
    """w2 = w0 - lr*g1 - lr*(alpha*g1 + g2): the first gradient keeps acting, scaled by alpha."""
    rng = np.random.default_rng(9)
    w0, g1, g2 = (rng.standard_normal((3, 4)) for _ in range(3))
    lr, alpha = 0.05, 0.9
    w1, v1 = ref(w0, g1, np.zeros((3, 4)), lr, alpha)
    w2, _ = ref(w1, g2, v1, lr, alpha)
    np.testing.assert_allclose(w2, w0 - lr * g1 - lr * (alpha * g1 + g2), rtol=1e-12)


def test_descends_a_quadratic(ref):
    """On L = 1/2 * sum(w^2) (grad = w) the iterates go to the minimum at 0."""
    w, v = np.full((2, 3), 5.0), np.zeros((2, 3))
    for _ in range(300):
        w, v = ref(w, w.copy(), v, 0.1, 0.9)
    assert np.abs(w).max() < 1e-6


def _submit(*answers):
    args = ["submit", "momentum", "--lang", "en"]
    for a in answers:
        args += ["--answer", a]
    return CliRunner().invoke(app, args)


def test_submit_the_right_answers_passes():
    out = _submit(f"a={RIGHT['a']}", f"i={RIGHT['i']}")
    assert out.exit_code == 0, out.output


def test_submit_the_option_numbers_passes():
    out = _submit("あ=2", "い=2")
    assert out.exit_code == 0, out.output


def test_one_wrong_blank_is_named():
    out = _submit(f"a={RIGHT['a']}", "i=w - v")
    assert out.exit_code == 1, out.output
    assert "blank (い) is not right" in out.output and "blank (あ) is right" in out.output
    out = _submit("a=momentum * v + lr * grad", f"i={RIGHT['i']}")
    assert out.exit_code == 1, out.output
    assert "blank (あ) is not right" in out.output and "blank (い) is right" in out.output


