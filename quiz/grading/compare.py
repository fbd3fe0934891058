"""One output of one case against the reference engine's: np.allclose semantics, and what differs
(shape, transposed, sign, scaled, where and by how much) for feedback. A fresh case says what is
wrong and by how much, never an expected number.
"""

from __future__ import annotations

import math

from quiz.grading import npyio
from quiz.grading.verdict import CaseReason, CaseResult


def _index(flat: int, shape: tuple[int, ...]) -> list[int]:
    out = []
    for n in reversed(shape):
        out.append(flat % n if n else 0)
        flat = flat // n if n else 0
    return list(reversed(out))


def compare(case: str, name: str, expected: npyio.Arr, actual: npyio.Arr | None, rtol: float, atol: float) -> CaseResult | None:
    """None when `actual` matches (np.allclose semantics); otherwise what differs, for feedback."""
    res = CaseResult(case, False, output=name, expected_shape=list(expected.shape))
    if actual is None:
        res.reason = CaseReason.MISSING
        return res
    res.actual_shape = list(actual.shape)
    if actual.shape != expected.shape:
        res.reason = CaseReason.SHAPE
        if actual.shape == expected.shape[::-1]:
            res.hint = "transposed"
        return res
    worst, worst_at, bad_sign = -1.0, -1, True
    for k, (a, e) in enumerate(zip(actual.data, expected.data)):
        if not math.isfinite(a):
            res.reason = CaseReason.NONFINITE
            res.where = _index(k, actual.shape)
            res.actual_value = a
            return res
        diff = abs(a - e)
        if diff > atol + rtol * abs(e) and diff > worst:
            worst, worst_at = diff, k
        if abs(a + e) > atol + rtol * abs(e):
            bad_sign = False
    if worst_at < 0:
        return None
    res.reason = CaseReason.MISMATCH
    res.max_diff = max(abs(a - e) for a, e in zip(actual.data, expected.data))
    res.where = _index(worst_at, actual.shape)
    res.expected_value = expected.data[worst_at]
    res.actual_value = actual.data[worst_at]
    if bad_sign:
        res.hint = "sign"
    elif _is_transpose(expected, actual, rtol, atol):
        res.hint = "transposed"
    return res


def _is_transpose(expected: npyio.Arr, actual: npyio.Arr, rtol: float, atol: float) -> bool:
    shape = expected.shape
    if len(shape) < 2 or shape[-1] != shape[-2]:
        return False
    n = shape[-1]
    block = n * n
    for base in range(0, len(expected.data), block):
        for r in range(n):
            for c in range(n):
                a = actual.data[base + r * n + c]
                e = expected.data[base + c * n + r]
                if abs(a - e) > atol + rtol * abs(e):
                    return False
    return True


def compare_hidden(case: str, name: str, expected: npyio.Arr, actual: npyio.Arr | None, rtol: float,
                   atol: float) -> CaseResult | None:
    """compare() for a fresh case: what is wrong and by how much, never an expected number.

    Kept: which output, the shapes (the dims are public), NaN/inf in the learner's own values,
    transposed, sign flipped, scaled by a constant (to two digits), and the relative error's order
    of magnitude. Dropped: where the worst element is, its expected and actual values, the diff.
    """
    res = compare(case, name, expected, actual, rtol, atol)
    if res is None:
        return None
    res.kind = "fresh"
    if res.reason != CaseReason.MISMATCH:
        return res
    a, e = actual.data, expected.data
    norm_e = math.sqrt(math.fsum(x * x for x in e))
    norm_d = math.sqrt(math.fsum((x - y) ** 2 for x, y in zip(a, e)))
    res.rel_error = 10.0 ** round(math.log10(norm_d / norm_e)) if norm_e > 0 and norm_d > 0 else None
    if not res.hint and norm_e > 0:
        k = math.fsum(x * y for x, y in zip(a, e)) / norm_e**2
        if abs(k - 1) > 1e-3 and all(abs(x - k * y) <= atol + rtol * abs(k * y) for x, y in zip(a, e)):
            res.hint, res.scale = "scaled", float(f"{k:.2g}")
    res.max_diff = res.where = res.expected_value = res.actual_value = None
    return res
