"""numerical_grad: the reference checked independently (its gradient against the analytic one and
against central differences written separately here, its loss against a per-element loop, W left
unchanged), and the exercise submitted through the CLI."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = ["あ=tmp_val + h", "い=tmp_val - h", "う=(fxh1 - fxh2) / (2 * h)"]
SHAPES = [(3, 5, 4), (1, 5, 4), (4, 2, 6)]


@pytest.fixture
def ref():
    return reference_module("numerical_grad")


def _inputs(B, D, H, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((D, H)) * 0.5, rng.standard_normal((B, D)), rng.standard_normal((B, H)) * 0.5


def _loss_loop(W, x, t):
    B, D = x.shape
    H = W.shape[1]
    total = 0.0
    for n in range(B):
        for j in range(H):
            y = math.tanh(sum(x[n, k] * W[k, j] for k in range(D)))
            total += 0.5 * (y - t[n, j]) ** 2
    return total / B


def _analytic(W, x, t):
    """dL/dW = x^T ((y - t) * (1 - y^2)) / B for y = tanh(x W)."""
    y = np.tanh(x.dot(W))
    return x.T.dot((y - t) * (1 - y ** 2)) / x.shape[0]


@pytest.mark.parametrize("B, D, H", SHAPES)
def test_the_loss_matches_a_per_element_loop(ref, B, D, H):
    W, x, t = _inputs(B, D, H, 60 + B)
    assert ref._loss(W, x, t) == pytest.approx(_loss_loop(W, x, t), rel=1e-12)


@pytest.mark.parametrize("B, D, H", SHAPES)
def test_the_gradient_matches_the_analytic_one_and_leaves_W_unchanged(ref, B, D, H):
    W, x, t = _inputs(B, D, H, 70 + B)
    W0 = W.copy()
    grad = ref.numerical_gradient(W, x, t)
    assert grad.shape == W.shape
    np.testing.assert_array_equal(W, W0)
    exact = _analytic(W, x, t)
    assert np.max(np.abs(grad - exact)) / np.max(np.abs(exact)) < 1e-6


@pytest.mark.parametrize("B, D, H", SHAPES)
def test_the_gradient_matches_central_differences_written_here(ref, B, D, H):
    W, x, t = _inputs(B, D, H, 80 + B)
    h = 1e-4
    mine = np.zeros_like(W)
    for i in range(D):
        for j in range(H):
            up, down = W.copy(), W.copy()
            up[i, j] += h
            down[i, j] -= h
            mine[i, j] = (_loss_loop(up, x, t) - _loss_loop(down, x, t)) / (2 * h)
    grad = ref.numerical_gradient(W.copy(), x, t)
    assert np.max(np.abs(grad - mine)) / np.max(np.abs(mine)) < 1e-6


def rabbit(*args):
    return CliRunner().invoke(app, list(args))


def test_submit_right_answers_passes(rabbit_home):
    args = ["submit", "numerical_grad", "--lang", "en"]
    for a in RIGHT:
        args += ["--answer", a]
    result = rabbit(*args)
    assert result.exit_code == 0, result.stdout


def test_submit_one_wrong_blank_names_it(rabbit_home):
    result = rabbit("submit", "numerical_grad", "--lang", "en", "--answer", RIGHT[0], "--answer", RIGHT[1],
                    "--answer", "う=(fxh1 - fxh2) / 2 * h")
    assert result.exit_code == 1
    assert "blank (う) is not right" in result.stdout
    assert "blank (あ) is right" in result.stdout and "blank (い) is right" in result.stdout
    assert "operator-precedence slip" in " ".join(result.stdout.split())  # the misconception's feedback


