"""Parameter counts and multiply-adds: affine, convolution, depthwise separable, MobileNet,
LSTM and GRU (the exam's single-bias form and PyTorch's two-bias form, each said by name)."""

from __future__ import annotations

from quiz.generators import generator


def _dims(r):
    return r.choice((16, 32, 50, 64, 100, 128, 200, 256)), r.choice((8, 10, 16, 20, 32, 64, 128))


@generator()
def affine_params(r):
    D, M = _dims(r)
    return ({"D": D, "M": M, "weights": D * M}, D * M + M,
            {"forgot_bias": D * M, "bias_per_input": D * M + D, "bias_row_and_column": (D + 1) * (M + 1)})


@generator()
def conv_params(r):
    C, K, N = r.choice((1, 3, 16, 32, 64)), r.choice((1, 3, 5, 7)), r.choice((8, 16, 32, 64, 128))
    return ({"C": C, "K": K, "N": N, "weights": K * K * C * N}, K * K * C * N + N,
            {"forgot_bias": K * K * C * N, "forgot_in_channels": K * K * N + N, "bias_per_weight": K * K * C * N * 2})


@generator()
def depthwise_separable_params(r):
    C, K, N = r.choice((16, 32, 64, 128, 256)), r.choice((3, 5)), r.choice((32, 64, 128, 256, 512))
    dw, pw = K * K * C, C * N
    return ({"C": C, "K": K, "N": N, "dw": dw, "pw": pw}, dw + pw,
            {"standard_conv": K * K * C * N, "forgot_pointwise": dw, "depthwise_full_depth": K * K * C * C + pw})


@generator()
def mobilenet_madds(r):
    HW, C, K, N = r.choice((7, 14, 28)), r.choice((32, 64, 128)), 3, r.choice((64, 128, 256))
    dw, pw = HW * HW * C * K * K, HW * HW * C * N
    return ({"HW": HW, "C": C, "K": K, "N": N, "dw": dw, "pw": pw, "hw2": HW * HW}, dw + pw,
            {"standard_conv": HW * HW * K * K * C * N, "forgot_depthwise": pw, "forgot_spatial": K * K * C + C * N})


def _rnn(r):
    return r.choice((10, 20, 32, 50, 64, 100, 128)), r.choice((8, 16, 20, 32, 64, 100, 128))


def _gated(r, gates: int, biases: int):
    D, H = _rnn(r)
    per_gate = D * H + H * H + biases * H
    other_gates = 3 if gates == 4 else 4
    values = {"D": D, "H": H, "G": gates, "DH": D * H, "HH": H * H, "per_gate": per_gate}
    mistakes = {"missed_gates": per_gate,
                "forgot_recurrent": gates * (D * H + biases * H),
                "other_bias_form": gates * (D * H + H * H + (3 - biases) * H),
                "other_cell": other_gates * per_gate}
    return values, gates * per_gate, mistakes


@generator()
def lstm_params(r):
    """The exam's form (ゼロから作るDeep Learning ❷, Keras): one bias per gate."""
    return _gated(r, 4, 1)


@generator()
def lstm_params_pytorch(r):
    """PyTorch's nn.LSTM: two biases per gate (b_ih and b_hh)."""
    return _gated(r, 4, 2)


@generator()
def gru_params(r):
    """One bias per gate (the exam's and Keras' reset_after=False form)."""
    return _gated(r, 3, 1)


@generator()
def gru_params_pytorch(r):
    """PyTorch's nn.GRU: two biases per gate (b_ih and b_hh)."""
    return _gated(r, 3, 2)
