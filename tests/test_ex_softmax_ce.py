"""softmax_ce: the reference checked independently (softmax and loss by a per-element loop, the
loss's gradient by central differences, large scores without overflow), and the exercise
submitted through the CLI."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = ["あ=x - np.max(x, axis=1, keepdims=True)", "い=y[np.arange(batch_size), t]"]
DELTA = 1e-7


@pytest.fixture
def ref():
    return reference_module("softmax_ce")


def _inputs(B, C, seed, scale=2.0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, C)) * scale, rng.integers(0, C, size=B)


def _loop(x, t):
    """Softmax row by row with math.exp (shifted by the row's max), the loss as a plain mean."""
    B, C = x.shape
    y = np.zeros((B, C))
    for n in range(B):
        m = max(x[n])
        s = sum(math.exp(v - m) for v in x[n])
        for j in range(C):
            y[n, j] = math.exp(x[n, j] - m) / s
    loss = -sum(math.log(y[n, t[n]] + DELTA) for n in range(B)) / B
    return y, loss


@pytest.mark.parametrize("B, C, scale", [(3, 5, 2.0), (1, 5, 2.0), (4, 2, 2.0), (5, 3, 1000.0), (4, 6, 600.0)])
def test_forward_matches_a_per_element_loop(ref, B, C, scale):
    x, t = _inputs(B, C, 30 + B + C, scale)
    y, loss = ref.softmax_cross_entropy(x, t)
    assert y.shape == (B, C) and loss.shape == (1,)
    assert np.all(np.isfinite(y)) and np.isfinite(loss[0])
    y_loop, loss_loop = _loop(x, t)
    np.testing.assert_allclose(y, y_loop, rtol=1e-12, atol=1e-15)
    assert loss[0] == pytest.approx(loss_loop, rel=1e-12)
    onehot = np.eye(C)[t]  # the one-hot form gives the same value
    assert -np.sum(onehot * np.log(y + DELTA)) / B == pytest.approx(loss[0], rel=1e-12)


@pytest.mark.parametrize("B, C", [(3, 5), (1, 4), (4, 2)])
def test_loss_gradient_matches_central_differences(ref, B, C):
    """d loss / dx = (y_t / (y_t + delta)) * (y - onehot) / B, row by row."""
    x, t = _inputs(B, C, 50 + B)
    y, _ = ref.softmax_cross_entropy(x, t)
    y_t = y[np.arange(B), t][:, None]
    analytic = (y_t / (y_t + DELTA)) * (y - np.eye(C)[t]) / B
    h = 1e-6
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (ref.softmax_cross_entropy(up, t)[1][0] - ref.softmax_cross_entropy(down, t)[1][0]) / (2 * h)
    assert np.max(np.abs(numeric - analytic)) / np.max(np.abs(analytic)) < 1e-6


def test_global_max_breaks_on_rows_of_different_scale(ref):
    """Why the per-row max: with the whole array's max, a low row underflows to 0/0."""
    x = np.array([[1000.0, 999.0, 998.0], [0.0, 1.0, 2.0]])
    shifted = x - np.max(x)
    with np.errstate(invalid="ignore", under="ignore"):
        bad = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    assert np.isnan(bad[1]).all()
    y, _ = ref.softmax_cross_entropy(x, np.array([0, 2]))
    np.testing.assert_allclose(y[0], y[1][::-1], rtol=1e-12)


def rabbit(*args):
    return CliRunner().invoke(app, list(args))


def test_submit_right_answers_passes(rabbit_home):
    result = rabbit("submit", "softmax_ce", "--lang", "en", "--answer", RIGHT[0], "--answer", RIGHT[1])
    assert result.exit_code == 0, result.stdout


def test_submit_one_wrong_blank_names_it(rabbit_home):
    result = rabbit("submit", "softmax_ce", "--lang", "en", "--answer", "あ=x - np.max(x)", "--answer", RIGHT[1])
    assert result.exit_code == 1
    assert "blank (あ) is not right" in result.stdout and "blank (い) is right" in result.stdout


