"""pca_eig: the reference against an independent route (the SVD of the centred data, and the
definitions of variance and orthogonal projection checked directly), the bank's options per blank,
and the exercise submitted through `rabbit submit`.

The bank entry (bank/exercises/pca_eig.yaml, `stage: math`) waits for exercises to accept `stage:`;
until it is in the bank, the tests that grade through it are skipped."""


import numpy as np
import pytest

from quiz.resources import reference_module

NAME = "pca_eig"
RIGHT = {"あ": "Xc.T.dot(Xc) / (N - 1)", "い": "np.argsort(eigval)[::-1]", "う": "Z.dot(W.T) + mean"}
WRONG = ("い", "np.argsort(eigval)")


@pytest.mark.parametrize("N, D, k", [(8, 5, 2), (10, 4, 3), (7, 3, 1), (9, 6, 6), (12, 2, 1)])
def test_reference_matches_the_svd_of_the_centred_data(N, D, k):
    rng = np.random.default_rng(N * 100 + D * 10 + k)
    X = rng.standard_normal((N, D)) * np.arange(1, D + 1) + rng.standard_normal(D)  # unequal spreads, a mean
    variances, ratios, X_hat = reference_module(NAME).pca_eig(X, k)
    Xc = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)  # singular values come in decreasing order
    np.testing.assert_allclose(variances, s[:k] ** 2 / (N - 1), rtol=1e-10)
    np.testing.assert_allclose(ratios, s[:k] ** 2 / np.sum(s ** 2), rtol=1e-10)
    np.testing.assert_allclose(X_hat, (U[:, :k] * s[:k]).dot(Vt[:k]) + X.mean(axis=0), rtol=1e-10, atol=1e-10)
    if k == D:
        np.testing.assert_allclose(X_hat, X, rtol=1e-10, atol=1e-10)


def test_each_variance_is_the_spread_of_the_data_along_its_axis_element_by_element():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((11, 3)) * [3.0, 1.0, 0.3]
    N, D = X.shape
    variances, ratios, X_hat = reference_module(NAME).pca_eig(X, 2)
    mean = [sum(X[n, j] for n in range(N)) / N for j in range(D)]
    total = sum((X[n, j] - mean[j]) ** 2 for n in range(N) for j in range(D)) / (N - 1)
    assert variances[0] >= variances[1]
    np.testing.assert_allclose(ratios, variances / total, rtol=1e-10)
    # the residual X - X_hat is orthogonal to the reconstruction's centred part, and its spread is what is lost
    resid = X - X_hat
    kept = X_hat - mean
    assert abs(sum(resid[n, j] * kept[n, j] for n in range(N) for j in range(D))) < 1e-9
    lost = sum(resid[n, j] ** 2 for n in range(N) for j in range(D)) / (N - 1)
    assert lost == pytest.approx(total - variances.sum(), rel=1e-9)


def test_the_result_does_not_depend_on_the_eigenvectors_signs(monkeypatch):
    ref = reference_module(NAME)
    X = np.random.default_rng(6).standard_normal((9, 4))
    plain = ref.pca_eig(X, 2)
    eigh = np.linalg.eigh

    def flipped(S):
        w, v = eigh(S)
        return w, v * np.array([1, -1, -1, 1])

    monkeypatch.setattr(ref.np.linalg, "eigh", flipped)
    for a, b in zip(plain, ref.pca_eig(X, 2)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
