"""ex.im2col_conv: the reference checked independently (the convolution against seven nested loops
over a zero-padded input, each row of im2col against the receptive field cut out by hand, the
output sizes of the course's checks), and the three blanks submitted through `rabbit submit`."""

import numpy as np
import pytest
from typer.testing import CliRunner

from quiz.cli import app
from quiz.resources import reference_module

RIGHT = {"a": "(size + 2 * pad - filter_size) // stride + 1", "i": "col.transpose(0, 4, 5, 1, 2, 3)",
         "u": "out_col.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)"}
SHAPES = [  # N, C, H, W, FN, FH, FW, stride, pad
    (2, 3, 8, 9, 6, 4, 5, 1, 1),
    (3, 2, 9, 7, 5, 4, 6, 2, 2),
    (1, 3, 5, 6, 2, 3, 3, 1, 0),
    (4, 1, 6, 5, 3, 2, 3, 2, 1),
    (2, 4, 5, 5, 3, 3, 3, 2, 1),
    (2, 2, 7, 10, 3, 3, 2, 3, 1),
]


@pytest.fixture
def mod():
    return reference_module("im2col_conv")


def _loop_conv(x, W, b, stride, pad):
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    oh = (H + 2 * pad - FH) // stride + 1
    ow = (Wd + 2 * pad - FW) // stride + 1
    out = np.empty((N, FN, oh, ow))
    for n in range(N):
        for f in range(FN):
            for i in range(oh):
                for j in range(ow):
                    s = float(b[f])
                    for c in range(C):
                        for p in range(FH):
                            for q in range(FW):
                                r, k = i * stride + p - pad, j * stride + q - pad  # in unpadded coordinates
                                if 0 <= r < H and 0 <= k < Wd:
                                    s += x[n, c, r, k] * W[f, c, p, q]
                    out[n, f, i, j] = s
    return out


@pytest.mark.parametrize("N, C, H, Wd, FN, FH, FW, stride, pad", SHAPES)
def test_conv_matches_the_nested_loops(mod, N, C, H, Wd, FN, FH, FW, stride, pad):
    rng = np.random.default_rng(71 + H * Wd)
    x, W, b = rng.standard_normal((N, C, H, Wd)), rng.standard_normal((FN, C, FH, FW)), rng.standard_normal(FN)
    got = mod.conv_forward(x, W, b, stride, pad)
    want = _loop_conv(x, W, b, stride, pad)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("N, C, H, Wd, FN, FH, FW, stride, pad", SHAPES[:3])
def test_each_im2col_row_is_one_receptive_field(mod, N, C, H, Wd, FN, FH, FW, stride, pad):
    rng = np.random.default_rng(72)
    x = rng.standard_normal((N, C, H, Wd))
    col = mod.im2col(x, FH, FW, stride, pad)
    padded = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad))
    padded[:, :, pad:pad + H, pad:pad + Wd] = x
    oh, ow = (H + 2 * pad - FH) // stride + 1, (Wd + 2 * pad - FW) // stride + 1
    assert col.shape == (N * oh * ow, C * FH * FW)
    row = 0
    for n in range(N):
        for i in range(oh):
            for j in range(ow):
                patch = padded[n, :, i * stride:i * stride + FH, j * stride:j * stride + FW]
                np.testing.assert_array_equal(col[row], patch.ravel())  # ravel: (C, FH, FW) order
                row += 1


@pytest.mark.parametrize("size, f, stride, pad, want", [(5, 3, 2, 1, 3), (6, 2, 1, 1, 7), (7, 3, 1, 0, 5),
                                                         (9, 4, 2, 2, 5), (10, 2, 3, 1, 4), (4, 4, 1, 0, 1)])
def test_output_sizes(mod, size, f, stride, pad, want):
    got = mod._out_size(size, f, stride, pad)
    assert got == want and isinstance(got, int)
    assert len(range(0, size + 2 * pad - f + 1, stride)) == want  # the filter's start positions, counted


def _submit(*answers):
    args = ["submit", "im2col_conv", "--lang", "en"]
    for a in answers:
        args += ["--answer", a]
    return CliRunner().invoke(app, args)


def test_submit_the_right_answers_passes():
    out = _submit(*(f"{k}={v}" for k, v in RIGHT.items()))
    assert out.exit_code == 0, out.output
    assert _submit("あ=3", "い=2", "う=4").exit_code == 0


def test_one_wrong_blank_is_named():
    out = _submit(f"a={RIGHT['a']}", "i=col.transpose(0, 4, 5, 2, 3, 1)", f"u={RIGHT['u']}")
    assert out.exit_code == 1, out.output
    assert "blank (い) is not right" in out.output
    assert "blank (あ) is right" in out.output and "blank (う) is right" in out.output
    out = _submit(f"a={RIGHT['a']}", f"i={RIGHT['i']}", "u=out_col.reshape(N, -1, out_h, out_w)")
    assert out.exit_code == 1 and "blank (う) is not right" in out.output, out.output


