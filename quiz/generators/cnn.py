"""Convolution and pooling: output sizes (drawn output-first, so every size is whole) and the
receptive field of a stack."""

from __future__ import annotations

from quiz.generators import generator


@generator()
def conv_output_size(r):
    O, F, S = r.randint(3, 16), r.choice((3, 5, 7)), r.choice((1, 2, 3))
    P = r.randint(0, (F - 1) // 2 + 1)
    H = (O - 1) * S + F - 2 * P
    if H < F:  # the input is at least one filter wide
        H += S * ((F - H) // S + 1)
        O = (H + 2 * P - F) // S + 1
    padded = H + 2 * P
    return ({"H": H, "F": F, "S": S, "P": P, "padded": padded, "span": padded - F, "steps": (padded - F) // S},
            O,
            {"padding_one_side": (H + P - F) // S + 1, "forgot_plus_one": (padded - F) // S,
             "forgot_stride": padded - F + 1})


@generator()
def dilated_conv_output_size(r):
    O, F, S, D = r.randint(3, 16), r.choice((2, 3, 5)), r.choice((1, 2)), r.choice((2, 3, 4))
    eff = D * (F - 1) + 1
    P = r.randint(0, eff // 2)
    H = (O - 1) * S + eff - 2 * P
    if H < eff:
        H += S * ((eff - H) // S + 1)
        O = (H + 2 * P - eff) // S + 1
    return ({"H": H, "F": F, "S": S, "P": P, "D": D, "eff": eff, "padded": H + 2 * P},
            O,
            {"ignored_dilation": (H + 2 * P - F) // S + 1, "dilation_times_f": (H + 2 * P - D * F) // S + 1,
             "forgot_padding": (H - eff) // S + 1})


@generator()
def pool_output_size(r):
    O, F = r.randint(2, 20), r.choice((2, 3))
    S = r.choice((1, 2, F))
    H = (O - 1) * S + F
    return ({"H": H, "F": F, "S": S, "span": H - F},
            O,
            {"divided_by_window": H // F, "forgot_plus_one": (H - F) // S, "forgot_stride": H - F + 1})


@generator()
def receptive_field(r):
    layers = [(r.choice((3, 3, 5, 7)), r.choice((1, 1, 2))) for _ in range(r.randint(2, 4))]
    rf, jump, parts = 1, 1, []
    for k, s in layers:
        rf += (k - 1) * jump
        parts.append(f"({k}−1)×{jump}")
        jump *= s
    values = {"L": len(layers),
              "layers": ", ".join(f"{k}/{s}" for k, s in layers),
              "terms": " + ".join(parts)}
    return (values, rf,
            {"ignored_strides": 1 + sum(k - 1 for k, _ in layers),
             "summed_kernels": sum(k for k, _ in layers),
             "own_stride_counted": 1 + sum((k - 1) * _prod(s for _, s in layers[: i + 1]) for i, (k, _) in enumerate(layers))})


def _prod(xs) -> int:
    out = 1
    for x in xs:
        out *= x
    return out
