"""Reinforcement learning: the Q-learning and SARSA updates, a discounted return."""

from __future__ import annotations

from quiz.generators import generator


def _step(r):
    q, rew = r.randint(0, 20) / 2, r.randint(-4, 10)
    nxt = r.sample(range(0, 21), 3)
    nxt = [x / 2 for x in nxt]
    taken = r.choice([i for i in range(3) if nxt[i] != max(nxt)])  # SARSA's next action is not the greedy one
    return q, rew, nxt, taken, r.choice((0.9, 0.8, 0.5)), r.choice((0.1, 0.2, 0.5))


def _values(q, rew, nxt, taken, gamma, alpha, target, used):
    return {"Q": q, "r": rew, "gamma": gamma, "alpha": alpha, "next": "(" + ", ".join(f"{x:g}" for x in nxt) + ")",
            "a_next": taken + 1, "q_taken": nxt[taken], "q_max": max(nxt), "used": used,
            "target": target, "td": target - q}


@generator(digits=3)
def q_learning_update(r):
    q, rew, nxt, taken, gamma, alpha = _step(r)
    target = rew + gamma * max(nxt)
    return (_values(q, rew, nxt, taken, gamma, alpha, target, max(nxt)),
            q + alpha * (target - q),
            {"sarsa_target": q + alpha * (rew + gamma * nxt[taken] - q), "forgot_gamma": q + alpha * (rew + max(nxt) - q),
             "forgot_alpha": target})


@generator(digits=3)
def sarsa_update(r):
    q, rew, nxt, taken, gamma, alpha = _step(r)
    target = rew + gamma * nxt[taken]
    return (_values(q, rew, nxt, taken, gamma, alpha, target, nxt[taken]),
            q + alpha * (target - q),
            {"q_learning_max": q + alpha * (rew + gamma * max(nxt) - q),
             "forgot_gamma": q + alpha * (rew + nxt[taken] - q), "forgot_alpha": target})


@generator(digits=3)
def discounted_return(r):
    rewards = [r.randint(-2, 5) for _ in range(r.choice((3, 4)))]
    if not any(rewards[1:]):
        rewards[-1] = 3
    gamma = r.choice((0.9, 0.8, 0.5))
    n = len(rewards)
    return ({"rewards": ", ".join(str(x) for x in rewards), "gamma": gamma, "n": n,
             "terms": " + ".join(f"{gamma:g}^{k}×({x})" if x < 0 else f"{gamma:g}^{k}×{x}" for k, x in enumerate(rewards))},
            sum(gamma ** k * x for k, x in enumerate(rewards)),
            {"undiscounted": float(sum(rewards)), "discounted_first_reward": sum(gamma ** (k + 1) * x for k, x in enumerate(rewards)),
             "discounted_from_the_end": sum(gamma ** (n - 1 - k) * x for k, x in enumerate(rewards))})
