"""ex.batchnorm: the reference checked independently (a per-feature loop in plain Python, the
normalised output's mean 0 and variance 1, a batch of one giving beta, the choice of axis), and the
three blanks submitted through `rabbit submit`."""

import math

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = {"a": "x.mean(axis=0)", "i": "np.mean(xc ** 2, axis=0)", "u": "xc / np.sqrt(var + eps)"}


@pytest.fixture
def ref():
    return reference_module("batchnorm").batchnorm_forward


def _loop(x, gamma, beta, eps):
    B, D = x.shape
    out = np.empty((B, D))
    for d in range(D):
        column = [float(x[b, d]) for b in range(B)]
        mu = sum(column) / B
        var = sum((c - mu) ** 2 for c in column) / B
        for b in range(B):
            out[b, d] = gamma[d] * (column[b] - mu) / math.sqrt(var + eps) + beta[d]
    return out


@pytest.mark.parametrize("B, D", [(4, 3), (8, 5), (3, 7), (1, 4), (2, 6)])
def test_matches_the_per_feature_loop(ref, B, D):
    rng = np.random.default_rng(61 + B * D)
    x = 2.0 * rng.standard_normal((B, D)) + rng.standard_normal(D)
    gamma, beta = rng.uniform(0.5, 1.5, D), rng.standard_normal(D)
    out = ref(x, gamma, beta, 1e-5)
    assert out.shape == (B, D)
    np.testing.assert_allclose(out, _loop(x, gamma, beta, 1e-5), rtol=1e-10, atol=1e-12)


def test_each_feature_comes_out_with_mean_zero_and_variance_one(ref):
    rng = np.random.default_rng(62)
    x = rng.standard_normal((50, 3)) * np.array([0.1, 3.0, 40.0]) + np.array([5.0, -2.0, 100.0])
    out = ref(x, np.ones(3), np.zeros(3), 1e-8)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(out.var(axis=0), 1, rtol=1e-5)


def test_gamma_and_beta_set_the_scale_and_shift(ref):
    rng = np.random.default_rng(63)
    x = rng.standard_normal((20, 2))
    out = ref(x, np.array([2.0, 0.5]), np.array([1.0, -3.0]), 1e-8)
    np.testing.assert_allclose(out.mean(axis=0), [1.0, -3.0], atol=1e-10)
    np.testing.assert_allclose(out.std(axis=0), [2.0, 0.5], rtol=1e-5)


def test_a_batch_of_one_gives_beta_and_stays_finite(ref):
    beta = np.array([0.3, -1.0, 2.0])
    out = ref(np.array([[4.0, 5.0, 6.0]]), np.array([1.5, 2.0, 0.5]), beta, 1e-5)
    np.testing.assert_array_equal(out, beta[None, :])


def test_samples_do_not_depend_on_their_own_other_features(ref):
    """Batch-wise, not sample-wise: changing one feature of every sample leaves the others."""
    rng = np.random.default_rng(64)
    x = rng.standard_normal((5, 4))
    y = x.copy()
    y[:, 2] = 10 * y[:, 2] + 3
    a, b = ref(x, np.ones(4), np.zeros(4), 1e-5), ref(y, np.ones(4), np.zeros(4), 1e-5)
    np.testing.assert_allclose(a[:, [0, 1, 3]], b[:, [0, 1, 3]], rtol=1e-12)


def _submit(*answers):
    args = ["submit", "batchnorm", "--lang", "en"]
    for a in answers:
        args += ["--answer", a]
    return CliRunner().invoke(app, args)


def test_submit_the_right_answers_passes():
    out = _submit(*(f"{k}={v}" for k, v in RIGHT.items()))
    assert out.exit_code == 0, out.output
    assert _submit("あ=2", "い=4", "う=1").exit_code == 0


def test_one_wrong_blank_is_named():
    out = _submit(f"a={RIGHT['a']}", "i=np.var(x, axis=0, ddof=1)", f"u={RIGHT['u']}")
    assert out.exit_code == 1, out.output
    assert "blank (い) is not right" in out.output
    assert "blank (あ) is right" in out.output and "blank (う) is right" in out.output
    out = _submit("a=x.mean(axis=1, keepdims=True)", f"i={RIGHT['i']}", f"u={RIGHT['u']}")
    assert out.exit_code == 1 and "blank (あ) is not right" in out.output, out.output


