"""Probability, information theory and evaluation: entropy, KL, Bayes' rule, variance,
precision / recall / F1, IoU, perplexity."""

from __future__ import annotations

import math

from quiz.generators import generator


def _dist(r, n: int = 3):
    """A distribution of n probabilities in steps of 0.05, none zero."""
    while True:
        cuts = sorted(r.sample(range(1, 20), n - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, 20])]
        if all(parts):
            return [x / 20 for x in parts]


def _fmt(p) -> str:
    return "(" + ", ".join(f"{x:g}" for x in p) + ")"


@generator(digits=3)
def entropy(r):
    p = _dist(r, r.choice((3, 4)))
    terms = [-x * math.log(x) for x in p]
    return ({"p": _fmt(p), "n": len(p), "terms": " + ".join(f"{t:.4f}" for t in terms)},
            sum(terms),
            {"log2_bits": -sum(x * math.log2(x) for x in p), "forgot_minus": -sum(terms),
             "forgot_weights": -sum(math.log(x) for x in p)})


@generator(digits=3)
def kl_divergence(r):
    p, q = _dist(r), _dist(r)
    kl = sum(a * math.log(a / b) for a, b in zip(p, q))
    return ({"p": _fmt(p), "q": _fmt(q), "terms": " + ".join(f"{a:g}×ln({a:g}/{b:g})" for a, b in zip(p, q))},
            kl,
            {"reversed": sum(b * math.log(b / a) for a, b in zip(p, q)),
             "cross_entropy": -sum(a * math.log(b) for a, b in zip(p, q)),
             "log2_bits": sum(a * math.log2(a / b) for a, b in zip(p, q))})


@generator(digits=3)
def bayes_posterior(r):
    prior = r.choice((0.01, 0.02, 0.05, 0.1, 0.2, 0.3))
    sens = r.choice((0.8, 0.9, 0.95, 0.99))
    fpr = r.choice((0.01, 0.05, 0.1, 0.2))
    num = sens * prior
    evidence = num + fpr * (1 - prior)
    return ({"prior": prior, "sens": sens, "fpr": fpr, "num": num, "other": fpr * (1 - prior), "evidence": evidence},
            num / evidence,
            {"took_likelihood": sens, "forgot_evidence": num, "ignored_prior": sens / (sens + fpr)})


@generator(digits=3)
def discrete_variance(r):
    xs = sorted(r.sample(range(-3, 8), 3))
    p = _dist(r)
    mean = sum(a * b for a, b in zip(xs, p))
    ex2 = sum(a * a * b for a, b in zip(xs, p))
    var = ex2 - mean * mean
    plain_mean = sum(xs) / 3
    return ({"x1": xs[0], "x2": xs[1], "x3": xs[2], "p": _fmt(p), "mean": mean, "ex2": ex2, "mean2": mean * mean},
            var,
            {"standard_deviation": math.sqrt(var), "forgot_mean_squared": ex2,
             "ignored_probabilities": sum((x - plain_mean) ** 2 for x in xs) / 3})


def _confusion(r):
    return r.randint(5, 60), r.randint(1, 30), r.randint(1, 30), r.randint(5, 80)


@generator(digits=3)
def f1_score(r):
    tp, fp, fn, tn = _confusion(r)
    prec, rec = tp / (tp + fp), tp / (tp + fn)
    return ({"TP": tp, "FP": fp, "FN": fn, "TN": tn, "precision": prec, "recall": rec},
            2 * prec * rec / (prec + rec),
            {"precision_only": prec, "recall_only": rec, "accuracy": (tp + tn) / (tp + fp + fn + tn)})


@generator(digits=3)
def precision_score(r):
    tp, fp, fn, tn = _confusion(r)
    return ({"TP": tp, "FP": fp, "FN": fn, "TN": tn, "predicted": tp + fp},
            tp / (tp + fp),
            {"recall_instead": tp / (tp + fn), "accuracy": (tp + tn) / (tp + fp + fn + tn),
             "specificity": tn / (tn + fp)})


@generator(digits=3)
def iou(r):
    while True:
        x1, y1 = r.randint(0, 6), r.randint(0, 6)
        a = (x1, y1, x1 + r.randint(2, 6), y1 + r.randint(2, 6))
        x2, y2 = r.randint(0, 6), r.randint(0, 6)
        b = (x2, y2, x2 + r.randint(2, 6), y2 + r.randint(2, 6))
        iw, ih = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
        if iw > 0 and ih > 0 and a != b:
            break
    area_a, area_b = (a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])
    inter = iw * ih
    union = area_a + area_b - inter
    return ({"A": f"({a[0]}, {a[1]}, {a[2]}, {a[3]})", "B": f"({b[0]}, {b[1]}, {b[2]}, {b[3]})",
             "iw": iw, "ih": ih, "inter": inter, "area_a": area_a, "area_b": area_b, "union": union},
            inter / union,
            {"forgot_subtract_overlap": inter / (area_a + area_b), "over_first_box": inter / area_a,
             "dice": 2 * inter / (area_a + area_b)})


@generator(digits=3)
def perplexity(r):
    n = r.choice((2, 3, 4))
    p = [r.choice((0.1, 0.2, 0.25, 0.4, 0.5, 0.8)) for _ in range(n)]
    ce = -sum(math.log(x) for x in p) / n
    prod = 1.0
    for x in p:
        prod *= x
    return ({"p": _fmt(p), "n": n, "ce": ce, "prod": prod},
            math.exp(ce),
            {"cross_entropy_only": ce, "inverse_mean": n / sum(p), "no_root": 1 / prod})
