"""q_learning: the reference against the update written out transition by transition on a dict
table (terminal and ordinary transitions, repeated state-action pairs), the bank's options per
blank, and the exercise submitted through `rabbit submit`."""


import numpy as np
import pytest

from quiz.exercises import load_all
from quiz.resources import reference_module

NAME = "q_learning"
RIGHT = {"あ": "np.max(Q[s_next[n]])", "い": "1 - done[n]", "う": "target - Q[s[n], a[n]]"}
WRONG = ("あ", "np.argmax(Q[s_next[n]])")


def _by_hand(Q, s, a, r, s_next, done, alpha, gamma):
    S, A = Q.shape
    table = {(i, j): float(Q[i, j]) for i in range(S) for j in range(A)}
    for n in range(len(s)):
        if done[n]:
            target = float(r[n])
        else:
            target = float(r[n]) + gamma * max(table[(int(s_next[n]), j)] for j in range(A))
        key = (int(s[n]), int(a[n]))
        table[key] = (1 - alpha) * table[key] + alpha * target
    return np.array([[table[(i, j)] for j in range(A)] for i in range(S)])


@pytest.mark.parametrize("N, S, A", [(6, 4, 3), (12, 3, 2), (1, 4, 3), (20, 2, 2)])
def test_reference_matches_the_update_by_hand(N, S, A):
    rng = np.random.default_rng(N * 100 + S * 10 + A)
    Q = rng.standard_normal((S, A))
    s, a, s_next = rng.integers(0, S, N), rng.integers(0, A, N), rng.integers(0, S, N)
    r, done = rng.standard_normal(N), rng.integers(0, 2, N)
    before = Q.copy()
    got = reference_module(NAME).q_learning(Q, s, a, r, s_next, done, 0.5, 0.9)
    np.testing.assert_allclose(got, _by_hand(Q, s, a, r, s_next, done, 0.5, 0.9), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(Q, before)  # the argument is not modified


def test_terminal_and_ordinary_branches_one_step():
    ref = reference_module(NAME).q_learning
    Q = np.array([[0.0, 1.0], [2.0, -1.0]])
    args = (np.array([0]), np.array([1]), np.array([0.5]), np.array([1]))
    # ordinary: 1 + 0.5 * (0.5 + 0.9 * max(2, -1) - 1) = 1.65
    assert ref(Q, *args, np.array([0]), 0.5, 0.9)[0, 1] == pytest.approx(1.65)
    # terminal: 1 + 0.5 * (0.5 - 1) = 0.75
    assert ref(Q, *args, np.array([1]), 0.5, 0.9)[0, 1] == pytest.approx(0.75)


def test_the_cases_hold_terminal_ordinary_and_repeated_transitions():
    from quiz.grading import cases

    terminal = ordinary = repeated = 0
    for c in cases.build_cases(load_all()[NAME]):
        args = dict(c.args)
        terminal += int(args["done"].sum())
        ordinary += int((1 - args["done"]).sum())
        pairs = list(zip(args["s"].tolist(), args["a"].tolist()))
        repeated += len(pairs) - len(set(pairs))
    assert terminal and ordinary and repeated
