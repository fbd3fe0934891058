"""relu_sigmoid_backward: the reference checked independently (forwards by a per-element loop,
backwards by central differences, both branches of ReLU, dout left unchanged), and the exercise
submitted through the CLI."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = ["あ=mask", "い=dout * (1.0 - out) * out"]
SHAPES = [(3, 5), (1, 5), (4, 2)]


@pytest.fixture
def ref():
    return reference_module("relu_sigmoid_backward")


def _inputs(B, D, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((B, D)) * 2.0
    x[np.abs(x) < 1e-3] = 0.5  # finite differences stay on one side of ReLU's kink
    return x, rng.standard_normal((B, D))


def _relu_loop(x):
    return np.array([[max(0.0, v) for v in row] for row in x])


def _sigmoid_loop(x):
    return np.array([[1.0 / (1.0 + math.exp(-v)) for v in row] for row in x])


@pytest.mark.parametrize("B, D", SHAPES)
def test_forwards_match_a_per_element_loop(ref, B, D):
    x, _ = _inputs(B, D, 90 + B)
    out, mask = ref.relu_forward(x)
    np.testing.assert_array_equal(out, _relu_loop(x))
    np.testing.assert_array_equal(mask, x <= 0)
    np.testing.assert_allclose(ref.sigmoid_forward(x), _sigmoid_loop(x), rtol=1e-14)


@pytest.mark.parametrize("B, D", SHAPES + [(6, 3)])
def test_backwards_match_central_differences_on_both_sides_of_relu(ref, B, D):
    x, dout = _inputs(B, D, 100 + B)
    x[0, 0], x[-1, -1] = 1.3, -0.7  # both branches of ReLU in every case
    dout0 = dout.copy()
    dx_relu, dx_sigmoid = ref.relu_sigmoid_backward(x, dout)
    np.testing.assert_array_equal(dout, dout0)  # relu_backward copied before zeroing
    h = 1e-6
    for analytic, forward in ((dx_relu, _relu_loop), (dx_sigmoid, _sigmoid_loop)):
        numeric = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[idx] += h
            down[idx] -= h
            numeric[idx] = (np.sum(forward(up) * dout) - np.sum(forward(down) * dout)) / (2 * h)
        assert np.max(np.abs(analytic - numeric)) / np.max(np.abs(numeric)) < 1e-6
    assert np.all(dx_relu[x <= 0] == 0) and np.all(dx_relu[x > 0] == dout[x > 0])


def test_relu_passes_no_gradient_at_zero(ref):
    x = np.array([[0.0, 2.0, -1.0]])
    dx_relu, _ = ref.relu_sigmoid_backward(x, np.ones((1, 3)))
    np.testing.assert_array_equal(dx_relu, [[0.0, 1.0, 0.0]])


def rabbit(*args):
    return CliRunner().invoke(app, list(args))


def test_submit_right_answers_passes(rabbit_home):
    result = rabbit("submit", "relu_sigmoid_backward", "--lang", "en", "--answer", RIGHT[0], "--answer", RIGHT[1])
    assert result.exit_code == 0, result.stdout


def test_submit_one_wrong_blank_names_it(rabbit_home):
    result = rabbit("submit", "relu_sigmoid_backward", "--lang", "en", "--answer", RIGHT[0],
                    "--answer", "い=dout * _sigmoid(out) * (1.0 - _sigmoid(out))")
    assert result.exit_code == 1
    assert "blank (い) is not right" in result.stdout and "blank (あ) is right" in result.stdout


