"""PCA by eigendecomposition of the covariance matrix.

Rows of X are samples. The covariance is the unbiased one (divided by N - 1, as np.cov). An
eigenvector's sign is arbitrary, so the function returns only what does not depend on it: the top
k variances, their explained variance ratios and the reconstruction from k components.
"""

import numpy as np


def pca_eig(X, k):
    """X (N, D), k components -> variances (k,), ratios (k,), X_hat (N, D)."""
    N, D = X.shape
    mean = X.mean(axis=0)
    Xc = X - mean
    S = Xc.T.dot(Xc) / (N - 1)  # (D, D)
    eigval, eigvec = np.linalg.eigh(S)  # ascending order
    order = np.argsort(eigval)[::-1]  # largest first
    eigval, eigvec = eigval[order], eigvec[:, order]
    W = eigvec[:, :k]  # (D, k) principal axes
    Z = Xc.dot(W)  # (N, k) scores
    ratios = eigval[:k] / eigval.sum()
    X_hat = Z.dot(W.T) + mean
    return eigval[:k], ratios, X_hat
