"""Exercise inputs of integer kinds: `randint` (labels, indices) and `integer` (a stride, a step t).

The exam's functions take class labels, strides, paddings and step counts; they must reach the
learner's function as integers, in the box as in the reference engine."""

from types import SimpleNamespace

import numpy as np

from quiz.exercises import GENERATORS
from quiz.grading import box, cases
from quiz.grading.result import read_result

SOURCE = '''
def f(labels, stride, x):
    assert isinstance(stride, int) and not isinstance(stride, bool), type(stride)
    assert labels.dtype.kind == "i", labels.dtype
    return x[labels] * stride
'''


def _drawn(seed: int = 7):
    g = {"inputs": {"labels": {"randint": ["N"], "high": "V"}, "stride": {"integer": "S"},
                    "x": {"randn": ["V"]}}}
    return cases._case(g, {"dims": {"N": 6, "V": 4, "S": 3}}, np.random.default_rng(seed), "ints")


def test_randint_draws_int64_within_its_bounds_and_integer_a_dimension():
    assert {"randint", "integer"} <= GENERATORS.keys()
    rng = np.random.default_rng(1)
    a = cases.generate({"randint": [200], "low": -2, "high": "V"}, {"V": 3}, rng)
    assert a.dtype == np.int64 and a.shape == (200,) and set(a.tolist()) == {-2, -1, 0, 1, 2}
    k = cases.generate({"integer": "2*S"}, {"S": 3}, rng)
    assert k == 6 and isinstance(cases._materialise(k), int)


def test_integers_reach_the_function_in_the_box_as_integers():
    case = _drawn()
    ex = SimpleNamespace(grading={"function": "f", "returns": ["y"]})
    frame = cases.inputs_frame(ex, [case])
    encoded = SOURCE.encode()
    payload = b"RBT2" + len(encoded).to_bytes(8, "little") + encoded + len(frame).to_bytes(8, "little") + frame
    run = box.run(payload)
    statuses, arrays = read_result(run.result, 1, 1)
    assert statuses == [{"ok": True}], statuses
    labels, stride, x = (cases._materialise(v) for _, v in case.args)
    got = arrays["c0.r0"]  # an npyio.Arr: shape and values in C order
    np.testing.assert_array_equal(np.array(got.data).reshape(got.shape), x[labels] * stride)


def test_a_function_that_returns_a_number_can_pass():
    """A loss or an IoU returned as a plain number: the expected value keeps its shape () (it came
    back as (1,) and no learner's scalar could ever match it)."""
    from quiz.grading.compare import compare

    expected = cases._arr(np.float64(0.25))
    assert expected.shape == ()
    source = "def f(x):\n    return float(x.sum())\n"
    x = np.arange(3.0) / 8
    case = cases.Case("scalar", {}, {}, [("x", x)])
    frame = cases.inputs_frame(SimpleNamespace(grading={"function": "f", "returns": ["y"]}), [case])
    encoded = source.encode()
    payload = b"RBT2" + len(encoded).to_bytes(8, "little") + encoded + len(frame).to_bytes(8, "little") + frame
    statuses, arrays = read_result(box.run(payload).result, 1, 1)
    assert statuses == [{"ok": True}]
    assert compare("scalar", "y", cases._arr(np.float64(x.sum())), arrays["c0.r0"], 1e-6, 1e-8) is None


def test_boxes_are_corner_boxes_of_a_dimensions_count_within_their_bounds():
    rng = np.random.default_rng(3)
    b = cases.generate({"boxes": "N"}, {"N": 500}, rng)
    assert b.shape == (500, 4) and b.dtype == np.float64
    w, h = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
    assert (b[:, :2] >= 0).all() and (b[:, :2] < 4).all() and (w >= 0.2).all() and (w < 4).all() and (h >= 0.2).all()
    narrow = cases.generate({"boxes": 50, "low": 10, "high": 11, "min_size": 1, "max_size": 1.5}, {}, rng)
    assert narrow.shape == (50, 4) and (narrow[:, :2] >= 10).all() and ((narrow[:, 2:] - narrow[:, :2]) < 1.5).all()
    # some pairs overlap and some do not, with the defaults: what an IoU or NMS exercise needs
    a, c = b[:, None, :], b[None, :, :]
    overlap = (np.minimum(a[..., 2], c[..., 2]) > np.maximum(a[..., 0], c[..., 0])) & \
              (np.minimum(a[..., 3], c[..., 3]) > np.maximum(a[..., 1], c[..., 1]))
    assert 0.1 < overlap.mean() < 0.9
