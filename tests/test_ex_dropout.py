"""ex.dropout: the reference checked independently (the backward pass against central finite
differences in float64, the forward pass against an element-by-element loop, training and inference
both, the expected output equal to x), and the three blanks submitted through `rabbit submit`."""

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = {"a": "u > dropout_ratio", "i": "x * mask / (1 - dropout_ratio)", "u": "dout * mask / (1 - dropout_ratio)"}


@pytest.fixture
def ref():
    return reference_module("dropout").dropout


def _inputs(B, D, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, D)), rng.standard_normal((B, D)), rng.uniform(size=(B, D))


def _loop_forward(x, u, p, train):
    B, D = x.shape
    out = np.empty((B, D))
    for b in range(B):
        for d in range(D):
            if not train:
                out[b, d] = x[b, d]
            elif u[b, d] > p:
                out[b, d] = x[b, d] / (1 - p)
            else:
                out[b, d] = 0.0
    return out


@pytest.mark.parametrize("B, D, p, train", [(3, 5, 0.3, 1), (2, 7, 0.6, 1), (1, 6, 0.2, 1), (4, 6, 0.3, 0), (1, 3, 0.5, 0)])
def test_forward_matches_the_elementwise_loop(ref, B, D, p, train):
    x, dout, u = _inputs(B, D, 31 + B * D)
    out, _ = ref(x, dout, u, p, train)
    assert out.shape == (B, D)
    np.testing.assert_allclose(out, _loop_forward(x, u, p, train), rtol=1e-12, atol=0)


@pytest.mark.parametrize("B, D, p, train", [(3, 5, 0.3, 1), (2, 7, 0.6, 1), (1, 6, 0.2, 1), (4, 6, 0.3, 0)])
def test_backward_matches_central_finite_differences(ref, B, D, p, train):
    """L = sum(out * dout) with u fixed: dL/dx by central differences is the reference's dx."""
    x, dout, u = _inputs(B, D, 41 + B * D)
    _, dx = ref(x, dout, u, p, train)

    def loss(xv):
        return float(np.sum(ref(xv, dout, u, p, train)[0] * dout))

    num, h = np.zeros_like(x), 1e-6
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        num[idx] = (loss(xp) - loss(xm)) / (2 * h)
    rel = np.linalg.norm(dx - num) / max(np.linalg.norm(dx) + np.linalg.norm(num), 1e-300)
    assert rel < 1e-6, rel


def test_inference_passes_everything_through(ref):
    x, dout, u = _inputs(2, 3, 51)
    out, dx = ref(x, dout, u, 0.4, 0)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(dx, dout)


def test_training_output_has_the_input_as_its_expectation(ref):
    """Averaged over many draws of u, the training output is x (what 'inverted' buys)."""
    rng = np.random.default_rng(52)
    x = rng.standard_normal((1, 4))
    p, n = 0.3, 40000
    outs = [ref(x, x, rng.uniform(size=(1, 4)), p, 1)[0] for _ in range(n)]
    mean = np.mean(outs, axis=0)
    sd = np.abs(x) * np.sqrt(p / (1 - p)) / np.sqrt(n)  # standard error of the mean per unit
    assert (np.abs(mean - x) < 5 * sd).all()


def test_the_drop_rate_is_dropout_ratio(ref):
    rng = np.random.default_rng(53)
    x = np.ones((200, 500))
    out, _ = ref(x, x, rng.uniform(size=x.shape), 0.3, 1)
    assert abs(np.mean(out == 0) - 0.3) < 0.01


def _submit(*answers):
    args = ["submit", "dropout", "--lang", "en"]
    for a in answers:
        args += ["--answer", a]
    return CliRunner().invoke(app, args)


def test_submit_the_right_answers_passes():
    out = _submit(*(f"{k}={v}" for k, v in RIGHT.items()))
    assert out.exit_code == 0, out.output
    assert _submit("あ=3", "い=2", "う=4").exit_code == 0


def test_one_wrong_blank_is_named():
    out = _submit(f"a={RIGHT['a']}", "i=x * mask", f"u={RIGHT['u']}")
    assert out.exit_code == 1, out.output
    assert "blank (い) is not right" in out.output
    assert "blank (あ) is right" in out.output and "blank (う) is right" in out.output
    out = _submit(f"a={RIGHT['a']}", f"i={RIGHT['i']}", "u=dout * mask")
    assert out.exit_code == 1 and "blank (う) is not right" in out.output, out.output


def test_cases_cover_training_and_inference():
    from quiz.grading import cases
    from quiz.exercises import load_all

    flags = [dict(c.args)["train_flg"] for c in cases.build_cases(load_all()["dropout"])]
    assert flags.count(1) >= 2 and flags.count(0) >= 2
