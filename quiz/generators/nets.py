"""Forward values of a network: softmax, cross-entropy, activation derivatives, attention,
batch normalisation, inverted dropout."""

from __future__ import annotations

import math

from quiz.generators import generator


def _softmax(z):
    m = max(z)
    e = [math.exp(x - m) for x in z]
    s = sum(e)
    return [x / s for x in e]


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


@generator(digits=3)
def softmax_prob(r):
    z = [r.randint(-2, 4) for _ in range(3)]
    k = r.randrange(3)
    e = [math.exp(x) for x in z]
    s = sum(e)
    return ({"z1": z[0], "z2": z[1], "z3": z[2], "k": k + 1, "zk": z[k], "e1": e[0], "e2": e[1], "e3": e[2],
             "ek": e[k], "sum_e": s},
            e[k] / s,
            {"sigmoid_instead": _sigmoid(z[k]), "forgot_exp": z[k] / sum(z) if sum(z) else 9.0,
             "exp_of_max_only": math.exp(z[k] - max(z))})


@generator(digits=3)
def cross_entropy_loss(r):
    while True:
        a, b = r.randint(5, 90), r.randint(5, 90)
        if a + b <= 95:
            break
    p = [a / 100, b / 100, round(1 - (a + b) / 100, 2)]
    t = r.randrange(3)
    return ({"p1": p[0], "p2": p[1], "p3": p[2], "t": t + 1, "pt": p[t], "ln_pt": math.log(p[t])},
            -math.log(p[t]),
            {"log10": -math.log10(p[t]), "summed_all_classes": -sum(math.log(x) for x in p),
             "forgot_log": 1 - p[t]})


@generator(digits=3)
def sigmoid_derivative(r):
    x = r.choice((-1, 1)) * r.randint(1, 30) / 10
    s = _sigmoid(x)
    return ({"x": x, "s": s, "one_minus_s": 1 - s}, s * (1 - s),
            {"sigmoid_itself": s, "one_minus_sigmoid": 1 - s, "squared": s * s})


@generator(digits=3)
def tanh_derivative(r):
    x = r.choice((-1, 1)) * r.randint(2, 20) / 10
    th = math.tanh(x)
    return ({"x": x, "th": th, "th2": th * th}, 1 - th * th,
            {"tanh_itself": th, "forgot_square": 1 - th, "sigmoid_form": th * (1 - th)})


def _attention(r):
    q = [r.randint(0, 3), r.randint(0, 3)]
    if q == [0, 0]:
        q = [1, 2]
    ks = [[r.randint(0, 3), r.randint(0, 3)] for _ in range(3)]
    vs = [[r.randint(-3, 5), r.randint(-3, 5)] for _ in range(3)]
    s = [q[0] * k[0] + q[1] * k[1] for k in ks]
    scaled = [x / math.sqrt(2) for x in s]
    return q, ks, vs, s, scaled, _softmax(scaled)


def _attention_values(q, ks, vs, s, scaled, a):
    values = {"q": f"({q[0]}, {q[1]})", "d": 2}
    for i in range(3):
        values.update({f"k{i + 1}": f"({ks[i][0]}, {ks[i][1]})", f"v{i + 1}": f"({vs[i][0]}, {vs[i][1]})",
                       f"v{i + 1}x": vs[i][0], f"s{i + 1}": s[i], f"scaled{i + 1}": scaled[i], f"a{i + 1}": a[i]})
    return values


@generator(digits=3)
def attention_weight(r):
    q, ks, vs, s, scaled, a = _attention(r)
    j = r.randrange(3)
    values = _attention_values(q, ks, vs, s, scaled, a) | {"j": j + 1, "aj": a[j]}
    plain = _softmax(s)
    return (values, a[j],
            {"unscaled": plain[j], "no_softmax": s[j] / sum(s) if sum(s) else 9.0, "uniform": 1 / 3})


@generator(digits=3)
def attention_context(r):
    q, ks, vs, s, scaled, a = _attention(r)
    values = _attention_values(q, ks, vs, s, scaled, a)
    c = sum(a[i] * vs[i][0] for i in range(3))
    plain = _softmax(s)
    return (values, c,
            {"unscaled": sum(plain[i] * vs[i][0] for i in range(3)), "mean_of_values": sum(v[0] for v in vs) / 3,
             "weighted_keys": sum(a[i] * ks[i][0] for i in range(3))})


@generator(digits=3)
def batchnorm_output(r):
    x = [r.randint(-5, 9) for _ in range(4)]
    if len(set(x)) == 1:
        x[0] += 2
    gamma, beta, i = r.choice((0.5, 1.5, 2.0, 3.0)), r.choice((-1.0, 0.0, 0.5, 1.0)), r.randrange(4)
    mu = sum(x) / 4
    var = sum((v - mu) ** 2 for v in x) / 4
    xhat = (x[i] - mu) / math.sqrt(var)
    return ({"x1": x[0], "x2": x[1], "x3": x[2], "x4": x[3], "i": i + 1, "xi": x[i], "gamma": gamma, "beta": beta,
             "mu": mu, "var": var, "std": math.sqrt(var), "xhat": xhat},
            gamma * xhat + beta,
            {"divided_by_variance": gamma * (x[i] - mu) / var + beta,
             "sample_variance": gamma * (x[i] - mu) / math.sqrt(var * 4 / 3) + beta,
             "forgot_gamma_beta": xhat})


@generator(digits=2)
def inverted_dropout(r):
    p = r.choice((0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6))
    x = r.randint(1, 40) / 4
    return ({"p": p, "keep": round(1 - p, 2), "x": x}, x / (1 - p),
            {"multiplied_by_keep": x * (1 - p), "divided_by_drop_rate": x / p, "unscaled": x})
