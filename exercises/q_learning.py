"""Tabular Q-learning over a batch of transitions, applied one after another.

    Q(s, a) <- Q(s, a) + alpha * (r + gamma * max_a' Q(s', a') - Q(s, a))

At a terminal transition (done = 1) there is no next state to bootstrap from.

Shapes:
    Q      : (S, A)   action values (a copy is updated and returned)
    s      : (N,)     states (int)
    a      : (N,)     actions taken (int)
    r      : (N,)     rewards
    s_next : (N,)     next states (int)
    done   : (N,)     1 if the episode ended at this transition, else 0
    alpha, gamma : float   learning rate and discount factor
Returns the updated table (S, A).
"""
import numpy as np


def q_learning(Q, s, a, r, s_next, done, alpha, gamma):
    """Return the Q table after the N updates."""
    Q = Q.copy()
    N = len(s)
    for n in range(N):
        # TD ターゲット: r + γ × 次の状態での最大の行動価値 (終端ではこの項が 0)
        target = r[n] + gamma * ___あ___ * ___い___  # (あ), (い) fill in these blanks
        # TD 誤差の alpha 倍だけ Q(s, a) を動かす
        Q[s[n], a[n]] += alpha * ___う___  # (う) fill in this blank
    return Q
