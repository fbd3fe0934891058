"""affine: the reference checked independently (forward by an element-wise loop, backward by
central finite differences), and the exercise submitted through the CLI."""

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = ["あ=dout.dot(W.T)", "い=x.T.dot(dout)", "う=np.sum(dout, axis=0)"]


@pytest.fixture
def ref():
    return reference_module("affine")


def _inputs(B, D, H, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, D)), rng.standard_normal((D, H)) * 0.5, rng.standard_normal(H) * 0.1, \
        rng.standard_normal((B, H))


def _forward_loop(x, W, b):
    B, D = x.shape
    H = W.shape[1]
    out = np.zeros((B, H))
    for n in range(B):
        for j in range(H):
            out[n, j] = b[j] + sum(x[n, k] * W[k, j] for k in range(D))
    return out


def _fd(f, a, h=1e-6):
    """Central differences of the scalar f() with respect to every element of a (edited in place)."""
    g = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        keep = a[idx]
        a[idx] = keep + h
        up = f()
        a[idx] = keep - h
        down = f()
        a[idx] = keep
        g[idx] = (up - down) / (2 * h)
    return g


def _rel(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)


@pytest.mark.parametrize("B, D, H", [(3, 5, 4), (1, 5, 4), (4, 2, 6)])
def test_forward_matches_an_element_loop(ref, B, D, H):
    x, W, b, dout = _inputs(B, D, H, 7 + B)
    out, *_ = ref.affine(x, W, b, dout)
    assert out.shape == (B, H)
    np.testing.assert_allclose(out, _forward_loop(x, W, b), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("B, D, H", [(3, 5, 4), (1, 5, 4), (4, 2, 6)])
def test_backward_matches_central_differences(ref, B, D, H):
    x, W, b, dout = _inputs(B, D, H, 11 + B)
    _, dx, dW, db = ref.affine(x, W, b, dout)
    assert dx.shape == x.shape and dW.shape == W.shape and db.shape == b.shape

    def loss():  # L = sum(out * dout): its gradient with respect to out is dout
        return float(np.sum(_forward_loop(x, W, b) * dout))

    for analytic, wrt in ((dx, x), (dW, W), (db, b)):
        assert _rel(analytic, _fd(loss, wrt)) < 1e-6


def rabbit(*args):
    return CliRunner().invoke(app, list(args))


def test_submit_right_answers_passes(rabbit_home):
    args = ["submit", "affine", "--lang", "en"]
    for a in RIGHT:
        args += ["--answer", a]
    result = rabbit(*args)
    assert result.exit_code == 0, result.stdout


def test_submit_one_wrong_blank_names_it(rabbit_home):
    args = ["submit", "affine", "--lang", "en", "--answer", RIGHT[0], "--answer", "い=dout.T.dot(x)",
            "--answer", RIGHT[2]]
    result = rabbit(*args)
    assert result.exit_code == 1
    assert "blank (い) is not right" in result.stdout
    assert "blank (あ) is right" in result.stdout and "blank (う) is right" in result.stdout


