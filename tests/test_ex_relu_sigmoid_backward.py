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


# The dev check of tests/test_exercise_bank.py, blank by blank (that file reads one blank only):
# unfilled fails, the right answers pass, every wrong option and every misconception fails with
# the others right and is pinned on its own blank, each misconception named.
@pytest.mark.usefixtures("shared_warm_worker")
def test_each_blank_wrong_options_and_misconceptions_fail_on_their_own_blank():
    from quiz import grading
    from quiz.exercises import load_all

    ex = load_all()["relu_sigmoid_backward"]
    right = {b.label: b.right_option for b in ex.blanks}
    unfilled = grading.grade(ex, ex.template.read_text(encoding="utf-8"))
    assert not unfilled.passed and unfilled.reason == "blank"
    ok = grading.grade(ex, grading.fill(ex, right), answer=right)
    assert ok.passed and ok.passed_cases == ok.cases >= 4, ok.to_dict()
    named = 0
    for b in ex.blanks:
        wrong = [(o, None) for i, o in enumerate(b.options, 1) if i != b.answer]
        wrong += [(a, m) for m in b.misconceptions for a in m.answers]
        for answer, m in wrong:
            mixed = {**right, b.label: answer}
            verdict = grading.grade(ex, grading.fill(ex, mixed), answer=mixed)
            assert not verdict.passed, f"({b.label}) `{answer}` passed"
            assert verdict.by_blank[b.label]["passed"] is False
            assert all(v["passed"] for k, v in verdict.by_blank.items() if k != b.label)
            if m is not None:
                assert verdict.by_blank[b.label]["misconception"] is m, f"({b.label}) `{answer}` not named"
                named += 1
    assert named >= 3
