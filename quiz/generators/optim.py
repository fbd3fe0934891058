"""One step of an optimiser on one weight, and gradient clipping by the norm."""

from __future__ import annotations

import math

from quiz.generators import generator


def _w_g_lr(r):
    return r.randint(-20, 20) / 10, r.choice((-1, 1)) * r.randint(1, 20) / 10, r.choice((0.01, 0.05, 0.1, 0.2, 0.5))


@generator(digits=3)
def sgd_momentum_step(r):
    w, g, lr = _w_g_lr(r)
    a, v = r.choice((0.5, 0.8, 0.9)), r.choice((-1, 1)) * r.randint(1, 10) / 10
    v_new = a * v - lr * g
    return ({"w": w, "g": g, "lr": lr, "alpha": a, "v": v, "av": a * v, "lrg": lr * g, "v_new": v_new},
            w + v_new,
            {"forgot_momentum": w - lr * g, "old_velocity": w + v, "gradient_sign_flipped": w + a * v + lr * g})


@generator(digits=3)
def adagrad_step(r):
    w, g, lr = _w_g_lr(r)
    h = r.randint(1, 20) / 10
    h_new = h + g * g
    return ({"w": w, "g": g, "lr": lr, "h": h, "g2": g * g, "h_new": h_new, "sqrt_h": math.sqrt(h_new)},
            w - lr * g / math.sqrt(h_new),
            {"old_h": w - lr * g / math.sqrt(h), "forgot_sqrt": w - lr * g / h_new,
             "forgot_square": w - lr * g / math.sqrt(h + abs(g))})


@generator(digits=3)
def rmsprop_step(r):
    w, g, lr = _w_g_lr(r)
    rho, h = r.choice((0.9, 0.99, 0.8, 0.5)), r.randint(1, 20) / 10
    h_new = rho * h + (1 - rho) * g * g
    return ({"w": w, "g": g, "lr": lr, "rho": rho, "h": h, "g2": g * g, "h_new": h_new, "sqrt_h": math.sqrt(h_new)},
            w - lr * g / math.sqrt(h_new),
            {"summed_like_adagrad": w - lr * g / math.sqrt(h + g * g), "forgot_sqrt": w - lr * g / h_new,
             "swapped_rho": w - lr * g / math.sqrt((1 - rho) * h + rho * g * g)})


@generator(digits=4)
def adam_step(r):
    w, g, lr = _w_g_lr(r)
    b1, b2, t = 0.9, 0.999, r.choice((2, 3))
    # m and v as the earlier steps would leave them: (1 − β^(t−1)) times a past gradient's size
    m = round((1 - b1 ** (t - 1)) * r.choice((-1, 1)) * r.randint(1, 20) / 10, 4)
    v = round((1 - b2 ** (t - 1)) * r.randint(1, 40) / 10, 6)
    m_new, v_new = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    m_hat, v_hat = m_new / (1 - b1 ** t), v_new / (1 - b2 ** t)
    return ({"w": w, "g": g, "lr": lr, "b1": b1, "b2": b2, "t": t, "m": m, "v": v, "m_new": m_new, "v_new": v_new,
             "m_hat": m_hat, "v_hat": v_hat, "sqrt_v_hat": math.sqrt(v_hat), "c1": 1 - b1 ** t, "c2": 1 - b2 ** t},
            w - lr * m_hat / math.sqrt(v_hat),
            {"no_bias_correction": w - lr * m_new / math.sqrt(v_new), "forgot_sqrt": w - lr * m_hat / v_hat,
             "raw_gradient": w - lr * g / math.sqrt(v_hat)})


@generator(digits=3)
def clipped_gradient(r):
    n = r.choice((2, 3))
    while True:
        g = [r.choice((-1, 1)) * r.randint(1, 12) / 2 for _ in range(n)]
        norm = math.sqrt(sum(x * x for x in g))
        c = r.choice((1.0, 2.0, 2.5, 3.0, 5.0))
        if norm > c * 1.2:
            break
    i = r.randrange(n)
    l1 = sum(abs(x) for x in g)
    return ({"g": "(" + ", ".join(f"{x:g}" for x in g) + ")", "n": n, "i": i + 1, "gi": g[i], "c": c, "norm": norm,
             "scale": c / norm},
            g[i] * c / norm,
            {"not_clipped": g[i], "clipped_each_element": math.copysign(min(abs(g[i]), c), g[i]),
             "l1_norm": g[i] * c / l1})
