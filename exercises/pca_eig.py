"""PCA by eigendecomposition of the covariance matrix.

Rows of X are samples. The data are centred, the covariance matrix (divided by
N - 1, as np.cov) is diagonalised with np.linalg.eigh, the eigenpairs are put
in decreasing order of eigenvalue, and the first k eigenvectors are the
principal axes. An eigenvector's sign is arbitrary, so only sign-free results
are returned.

Shapes:
    X : (N, D)   N samples of D features
    k : int      number of components kept
Returns the top k variances (k,), their explained variance ratios (k,) and the
reconstruction of X from k components, X_hat (N, D).
"""
import numpy as np


def pca_eig(X, k):
    """Return (variances, ratios, X_hat)."""
    N, D = X.shape
    mean = X.mean(axis=0)   # (D,)
    Xc = X - mean           # centred data
    S = ___あ___            # (あ) fill in this blank: covariance (D, D)
    eigval, eigvec = np.linalg.eigh(S)  # eigenvalues in ascending order
    order = ___い___        # (い) fill in this blank: largest first
    eigval, eigvec = eigval[order], eigvec[:, order]
    W = eigvec[:, :k]       # (D, k) principal axes
    Z = Xc.dot(W)           # (N, k) projections
    ratios = eigval[:k] / eigval.sum()
    X_hat = ___う___        # (う) fill in this blank: (N, D)
    return eigval[:k], ratios, X_hat
