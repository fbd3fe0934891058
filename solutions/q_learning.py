"""Tabular Q-learning: the update applied to each transition of a batch in turn.

Q(s, a) <- Q(s, a) + alpha * (r + gamma * max_a' Q(s', a') * (1 - done) - Q(s, a)). Transitions are
applied in order, each seeing the table as the earlier ones left it (as the online algorithm
does); the input table is not modified.
"""

import numpy as np


def q_learning(Q, s, a, r, s_next, done, alpha, gamma):
    """Q (S, A); s, a, s_next (N,) int; r (N,) float; done (N,) 0/1 -> the updated table (S, A)."""
    Q = Q.copy()
    N = len(s)
    for n in range(N):
        target = r[n] + gamma * np.max(Q[s_next[n]]) * (1 - done[n])
        Q[s[n], a[n]] += alpha * (target - Q[s[n], a[n]])
    return Q
