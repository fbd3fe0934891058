"""layer_norm: the reference against an explicit loop over tokens and features, the bank's
options per blank, and the exercise submitted through `rabbit submit`."""

import math

import numpy as np
import pytest

from quiz.resources import reference_module

NAME = "layer_norm"
RIGHT = {"あ": "x.mean(axis=-1, keepdims=True)", "い": "((x - mu) ** 2).mean(axis=-1, keepdims=True)",
         "う": "gamma * x_hat + beta"}
WRONG = ("い", "((x - mu) ** 2).sum(axis=-1, keepdims=True) / (D - 1)")


def _loop(x, gamma, beta, eps):
    B, T, D = x.shape
    y = np.zeros_like(x)
    for b in range(B):
        for t in range(T):
            row = [float(v) for v in x[b, t]]
            mu = sum(row) / D
            var = sum((v - mu) ** 2 for v in row) / D
            for j in range(D):
                y[b, t, j] = gamma[j] * (row[j] - mu) / math.sqrt(var + eps) + beta[j]
    return y


@pytest.mark.parametrize("B, T, D", [(2, 3, 5), (1, 3, 4), (3, 1, 5), (2, 6, 2)])
def test_reference_matches_the_loop(B, T, D):
    rng = np.random.default_rng(B * 100 + T * 10 + D)
    x = rng.standard_normal((B, T, D)) * 2.0 + 3.0
    gamma, beta = rng.standard_normal(D), rng.standard_normal(D)
    y = reference_module(NAME).layer_norm(x, gamma, beta, 1e-5)
    np.testing.assert_allclose(y, _loop(x, gamma, beta, 1e-5), rtol=1e-12, atol=1e-12)


def test_unit_gain_and_zero_shift_give_mean_zero_variance_one_per_token():
    x = np.random.default_rng(3).standard_normal((2, 3, 7)) * 5.0 - 1.0
    y = reference_module(NAME).layer_norm(x, np.ones(7), np.zeros(7), 0.0)
    np.testing.assert_allclose(y.mean(axis=-1), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=-1), 1.0, rtol=1e-12)
