"""logistic_step: the reference checked independently (the gradient inside the step against central
differences of the loss, the step against a per-sample loop), and the exercise graded blank by blank
and submitted through the CLI.

The exercise is a 機械学習 one (`stage: ml`)."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = ["あ=_sigmoid(X.dot(w))", "い=X.T.dot(p - y) / N", "う=w - lr * grad"]
SHAPES = [(6, 3, 0.1), (1, 4, 0.3), (4, 5, 0.5)]


@pytest.fixture
def ref():
    return reference_module("logistic_step")


def _inputs(N, D, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)), rng.integers(0, 2, size=N), rng.standard_normal(D) * 0.5


def _loss_loop(X, y, w):
    N, D = X.shape
    total = 0.0
    for n in range(N):
        p = 1.0 / (1.0 + math.exp(-sum(X[n, k] * w[k] for k in range(D))))
        total += y[n] * math.log(p) + (1 - y[n]) * math.log(1 - p)
    return -total / N


@pytest.mark.parametrize("N, D, lr", SHAPES)
def test_the_step_matches_a_per_sample_loop(ref, N, D, lr):
    X, y, w = _inputs(N, D, 110 + N)
    grad = [0.0] * D
    for n in range(N):
        p = 1.0 / (1.0 + math.exp(-sum(X[n, k] * w[k] for k in range(D))))
        for k in range(D):
            grad[k] += (p - y[n]) * X[n, k] / N
    expected = np.array([w[k] - lr * grad[k] for k in range(D)])
    w0 = w.copy()
    np.testing.assert_allclose(ref.logistic_step(X, y, w, lr), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(w, w0)


@pytest.mark.parametrize("N, D, lr", SHAPES)
def test_the_gradient_in_the_step_matches_central_differences_of_the_loss(ref, N, D, lr):
    X, y, w = _inputs(N, D, 120 + N)
    grad = (w - ref.logistic_step(X, y, w, lr)) / lr
    h = 1e-6
    numeric = np.zeros(D)
    for k in range(D):
        up, down = w.copy(), w.copy()
        up[k] += h
        down[k] -= h
        numeric[k] = (_loss_loop(X, y, up) - _loss_loop(X, y, down)) / (2 * h)
    assert np.max(np.abs(grad - numeric)) / np.max(np.abs(numeric)) < 1e-6


def test_a_small_step_lowers_the_loss(ref):
    X, y, w = _inputs(8, 3, 130)
    assert _loss_loop(X, y, ref.logistic_step(X, y, w, 0.05)) < _loss_loop(X, y, w)


def _submit(tmp_path, monkeypatch, capsys, answers):
    """rabbit submit logistic_step --answer ... --answer ..."""
    args = ["submit", "logistic_step", "--lang", "en"]
    for a in answers:
        args += ["--answer", a]
    result = rabbit(*args)
    return result.exit_code, result.stdout


def rabbit(*args):
    return CliRunner().invoke(app, list(args))


def test_submit_right_answers_passes(rabbit_home, tmp_path, monkeypatch, capsys):
    code, out = _submit(tmp_path, monkeypatch, capsys, RIGHT)
    assert code == 0, out


def test_submit_one_wrong_blank_names_it(rabbit_home, tmp_path, monkeypatch, capsys):
    code, out = _submit(tmp_path, monkeypatch, capsys, [RIGHT[0], "い=X.T.dot(y - p) / N", RIGHT[2]])
    assert code == 1
    assert "blank (い) is not right" in out
    assert "blank (あ) is right" in out and "blank (う) is right" in out


