"""positional_encoding: the reference against the paper's formula written out entry by entry,
the bank's options per blank, and the exercise submitted through `rabbit submit`."""

import math

import numpy as np
import pytest

from quiz.resources import reference_module

NAME = "positional_encoding"
RIGHT = {"あ": "2 * (i // 2)", "い": "np.where(i % 2 == 0, np.sin(angle), np.cos(angle))"}
WRONG = ("あ", "i")


@pytest.mark.parametrize("T, d", [(5, 8), (7, 4), (1, 10), (50, 16), (9, 2)])
def test_reference_matches_the_formula_entry_by_entry(T, d):
    PE = reference_module(NAME).positional_encoding(T, d)
    assert PE.shape == (T, d)
    for pos in range(T):
        for i in range(d // 2):  # i numbers the pairs of columns
            freq = 10000 ** (2 * i / d)
            assert PE[pos, 2 * i] == pytest.approx(math.sin(pos / freq), rel=1e-12, abs=1e-12)
            assert PE[pos, 2 * i + 1] == pytest.approx(math.cos(pos / freq), rel=1e-12, abs=1e-12)


def test_position_zero_alternates_zero_and_one():
    np.testing.assert_array_equal(reference_module(NAME).positional_encoding(1, 6), [[0, 1, 0, 1, 0, 1]])
