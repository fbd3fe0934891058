"""Every generator against an independent NumPy computation of its answer, on 200 seeds; over the
same seeds the named mistakes are never the answer (within the tolerance), the four numbers are
distinct as shown, and every drawn number lies in a sensible range.

The checks below compute each answer from the drawn parameters only (the prompt's numbers), in
NumPy, the way one would by hand or with an array: a convolution's windows are counted on a
padded array, parameter counts are the sizes of arrays of the layer's shapes, and so on. They
never call the generators' own helpers.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest

from quiz import generators

SEEDS = range(200)


def vec(s) -> np.ndarray:
    """A vector shown in a prompt, '(1, -2.5)' or '1, 2, 3', as an array."""
    v = ast.literal_eval(s if isinstance(s, str) else str(s))
    return np.atleast_1d(np.array(v, dtype=float))


def windows(H, P, eff, S) -> int:
    x = np.pad(np.zeros(H), P)
    return len(np.lib.stride_tricks.sliding_window_view(x, eff)[::S])


def layers(v):
    out = []
    for part in v["layers"].split(", "):
        k, s = part.split("/")
        out.append((int(k), int(s)))
    return out


def receptive(v) -> int:
    lo, hi = 0, 0  # the input positions one output position sees, walked back layer by layer
    for k, s in reversed(layers(v)):
        lo, hi = lo * s, hi * s + k - 1
    return hi - lo + 1


def sizes(*shapes) -> int:
    return int(sum(np.zeros(s).size for s in shapes))


def softmax(z):
    e = np.exp(np.asarray(z, float) - np.max(z))
    return e / e.sum()


def attn(v):
    q = vec(v["q"])
    K = np.stack([vec(v[f"k{i}"]) for i in (1, 2, 3)])
    V = np.stack([vec(v[f"v{i}"]) for i in (1, 2, 3)])
    return softmax(K @ q / np.sqrt(len(q))), V


def batchnorm(v):
    x = np.array([v[f"x{i}"] for i in (1, 2, 3, 4)], float)
    return (v["gamma"] * (x - x.mean()) / x.std() + v["beta"])[v["i"] - 1]


def adam(v):
    m = v["b1"] * v["m"] + (1 - v["b1"]) * v["g"]
    s = v["b2"] * v["v"] + (1 - v["b2"]) * v["g"] ** 2
    return v["w"] - v["lr"] * (m / (1 - v["b1"] ** v["t"])) / np.sqrt(s / (1 - v["b2"] ** v["t"]))


def clip(v):
    g = vec(v["g"])
    n = np.linalg.norm(g)
    return (g * v["c"] / n if n > v["c"] else g)[v["i"] - 1]


def box_iou(v):
    a, b = vec(v["A"]).astype(int), vec(v["B"]).astype(int)
    grid = np.zeros((30, 30), int)
    grid[a[0]:a[2], a[1]:a[3]] += 1
    grid[b[0]:b[2], b[1]:b[3]] += 1
    return (grid == 2).sum() / (grid > 0).sum()


def kl(v):
    p, q = vec(v["p"]), vec(v["q"])
    return float(np.sum(p * np.log(p / q)))


def variance(v):
    x = np.array([v["x1"], v["x2"], v["x3"]], float)
    p = vec(v["p"])
    m = np.dot(p, x)
    return float(np.dot(p, (x - m) ** 2))


def f1(v):
    y = np.r_[np.ones(v["TP"]), np.ones(v["FN"]), np.zeros(v["FP"]), np.zeros(v["TN"])]
    yhat = np.r_[np.ones(v["TP"]), np.zeros(v["FN"]), np.ones(v["FP"]), np.zeros(v["TN"])]
    tp = np.sum((y == 1) & (yhat == 1))
    return 2 * tp / (np.sum(y == 1) + np.sum(yhat == 1))


def precision(v):
    y = np.r_[np.ones(v["TP"]), np.ones(v["FN"]), np.zeros(v["FP"]), np.zeros(v["TN"])]
    yhat = np.r_[np.ones(v["TP"]), np.zeros(v["FN"]), np.ones(v["FP"]), np.zeros(v["TN"])]
    return np.mean(y[yhat == 1])


def td(v, nxt_value):
    return v["Q"] + v["alpha"] * (v["r"] + v["gamma"] * nxt_value - v["Q"])


def ret(v):
    r = vec(v["rewards"])
    return float(np.sum(r * v["gamma"] ** np.arange(len(r))))


def gated(gates, biases):
    def f(v):
        D, H = v["D"], v["H"]
        return sizes((gates * H, D), (gates * H, H), *[(gates * H,)] * biases)
    return f


INDEPENDENT = {
    "conv_output_size": lambda v: windows(v["H"], v["P"], v["F"], v["S"]),
    "dilated_conv_output_size": lambda v: windows(v["H"], v["P"], v["D"] * (v["F"] - 1) + 1, v["S"]),
    "pool_output_size": lambda v: windows(v["H"], 0, v["F"], v["S"]),
    "receptive_field": receptive,
    "affine_params": lambda v: sizes((v["D"], v["M"]), (v["M"],)),
    "conv_params": lambda v: sizes((v["N"], v["C"], v["K"], v["K"]), (v["N"],)),
    "depthwise_separable_params": lambda v: sizes((v["C"], 1, v["K"], v["K"]), (v["N"], v["C"], 1, 1)),
    "mobilenet_madds": lambda v: v["HW"] ** 2 * (sizes((v["C"], 1, v["K"], v["K"])) + sizes((v["N"], v["C"]))),
    "lstm_params": gated(4, 1),
    "lstm_params_pytorch": gated(4, 2),
    "gru_params": gated(3, 1),
    "gru_params_pytorch": gated(3, 2),
    "softmax_prob": lambda v: softmax([v["z1"], v["z2"], v["z3"]])[v["k"] - 1],
    "cross_entropy_loss": lambda v: -np.log(np.array([v["p1"], v["p2"], v["p3"]])[v["t"] - 1]),
    "sigmoid_derivative": lambda v: (lambda s: s * (1 - s))(1 / (1 + np.exp(-v["x"]))),
    "tanh_derivative": lambda v: 1 / np.cosh(v["x"]) ** 2,
    "attention_weight": lambda v: attn(v)[0][v["j"] - 1],
    "attention_context": lambda v: (attn(v)[0] @ attn(v)[1])[0],
    "batchnorm_output": batchnorm,
    "inverted_dropout": lambda v: v["x"] * (1 / (1 - v["p"])),
    "sgd_momentum_step": lambda v: v["w"] + v["alpha"] * v["v"] - v["lr"] * v["g"],
    "adagrad_step": lambda v: v["w"] - v["lr"] * v["g"] / np.sqrt(v["h"] + v["g"] ** 2),
    "rmsprop_step": lambda v: v["w"] - v["lr"] * v["g"] / np.sqrt(v["rho"] * v["h"] + (1 - v["rho"]) * v["g"] ** 2),
    "adam_step": adam,
    "clipped_gradient": clip,
    "entropy": lambda v: float(-np.sum(vec(v["p"]) * np.log(vec(v["p"])))),
    "kl_divergence": kl,
    "bayes_posterior": lambda v: v["sens"] * v["prior"] / (v["sens"] * v["prior"] + v["fpr"] * (1 - v["prior"])),
    "discrete_variance": variance,
    "f1_score": f1,
    "precision_score": precision,
    "iou": box_iou,
    "perplexity": lambda v: float(np.exp(-np.mean(np.log(vec(v["p"]))))),
    "q_learning_update": lambda v: td(v, vec(v["next"]).max()),
    "sarsa_update": lambda v: td(v, vec(v["next"])[v["a_next"] - 1]),
    "discounted_return": ret,
}

PROBABILITY = {"softmax_prob", "attention_weight", "bayes_posterior", "f1_score", "precision_score", "iou"}
WHOLE = {"conv_output_size", "dilated_conv_output_size", "pool_output_size", "receptive_field", "affine_params",
         "conv_params", "depthwise_separable_params", "mobilenet_madds", "lstm_params", "lstm_params_pytorch",
         "gru_params", "gru_params_pytorch"}


def sensible(name: str, v: dict, answer: float) -> bool:
    """The drawn numbers are what a question would use: sizes small positive integers, rates and
    probabilities in (0, 1), magnitudes a learner can compute by hand."""
    nums = [x for k, x in v.items() if isinstance(x, (int, float)) and k != "answer"]
    if not all(np.isfinite(nums)) or not np.isfinite(answer):
        return False
    if name in WHOLE:
        if not (float(answer).is_integer() and answer >= 1):
            return False
        dims = [v[k] for k in ("H", "F", "S", "P", "D", "C", "K", "N", "M", "HW") if k in v]
        return all(isinstance(d, int) and 0 <= d <= 512 for d in dims) and answer < 5e7
    if name in PROBABILITY:
        return 0 < answer <= 1
    for key in ("p", "q") if name in ("entropy", "kl_divergence", "discrete_variance", "perplexity") else ():
        if key in v:
            p = vec(v[key])
            if not (np.all(p > 0) and np.all(p < 1)):
                return False
            if name in ("entropy", "kl_divergence", "discrete_variance") and not np.isclose(p.sum(), 1):
                return False
    for key in ("lr", "alpha", "gamma", "rho", "prior", "sens", "fpr"):
        if key in v and name != "batchnorm_output" and not 0 < v[key] < 1:  # its gamma is a scale
            return False
    if name == "inverted_dropout" and not 0 < v["p"] < 1:
        return False
    return abs(answer) < 1000 and (name not in ("entropy", "kl_divergence", "perplexity", "cross_entropy_loss")
                                   or answer >= 0)


def test_there_are_at_least_25_generators_and_each_is_checked_here():
    assert len(generators.names()) >= 25
    assert set(generators.names()) == set(INDEPENDENT)


@pytest.mark.parametrize("name", sorted(INDEPENDENT))
def test_answer_matches_an_independent_numpy_computation(name):
    for seed in SEEDS:
        v = generators.draw(name, seed)
        expected = float(INDEPENDENT[name](v.values))
        assert np.isclose(v.answer, expected, rtol=1e-9, atol=1e-12), (name, seed, v.values, v.answer, expected)
        assert sensible(name, v.values, v.answer), (name, seed, v.values, v.answer)


@pytest.mark.parametrize("name", sorted(INDEPENDENT))
def test_no_named_mistake_is_the_answer_and_options_are_distinct(name):
    for seed in SEEDS:
        v = generators.draw(name, seed)
        assert len(v.mistakes) >= 3
        for mistake, value in v.mistakes.items():
            assert abs(value - v.answer) > v.tolerance, (name, seed, mistake, value, v.answer)
        shown = [generators.show(x, v.digits) for x in (v.answer, *v.mistakes.values())]
        assert len(set(shown)) == len(shown), (name, seed, shown)


@pytest.mark.parametrize("name", sorted(INDEPENDENT))
def test_same_seed_same_variant_and_every_seed_names_the_same_values(name):
    first = generators.draw(name, 7)
    assert generators.draw(name, 7) == first
    keys, mistakes = generators.provides(name)
    for seed in range(40):
        v = generators.draw(name, seed)
        assert set(v.values) == keys and set(v.mistakes) == mistakes


def test_variant_seeds_replay_with_the_run_seed_and_are_fresh_without_one():
    a = generators.variant_seed(42, "gen.conv-output-size", 0)
    assert a == generators.variant_seed(42, "gen.conv-output-size", 0)
    assert a != generators.variant_seed(42, "gen.conv-output-size", 1)
    assert a != generators.variant_seed(43, "gen.conv-output-size", 0)
    fresh = {generators.variant_seed(None, "gen.conv-output-size", 0) for _ in range(20)}
    assert len(fresh) > 15


def test_tolerance_accepts_the_rounded_answer_and_refuses_one_unit_off():
    g = generators.table()["softmax_prob"]
    assert g.tolerance < 0.001  # 0.882 is not 0.8808 "to three decimal places"
    v = generators.draw("softmax_prob", 1)
    assert abs(round(v.answer, 3) - v.answer) <= v.tolerance
    assert abs(round(v.answer, 3) + 0.001 - v.answer) > v.tolerance


def test_generators_import_no_numpy():
    import subprocess
    import sys

    code = ("import sys; from quiz import generators as g; [g.draw(n, 1) for n in g.names()]; "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
