"""The newer exercises submitted through `rabbit submit` as a learner does, in a process of its own:
the right answer of every blank passes (exit 0), and one wrong blank fails (exit 1) and is named,
with the others said to be right. The right and wrong answers are each exercise's own test file's
(tests/test_ex_NAME.py), where its reference is checked independently."""

from __future__ import annotations

import importlib
import subprocess

import pytest

NAMES = ["iou", "layer_norm", "pca_eig", "positional_encoding", "q_learning", "scaled_attention", "split_heads"]


def _submit(rabbit_exe, name: str, answers: dict[str, str]):
    args = [str(rabbit_exe), "submit", name, "--lang", "en"]
    for label, expr in answers.items():
        args += ["--answer", f"{label}={expr}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", NAMES)
def test_submit_the_right_answers(rabbit_exe, name):
    right = importlib.import_module(f"test_ex_{name}").RIGHT
    done = _submit(rabbit_exe, name, right)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", NAMES)
def test_submit_one_wrong_blank_is_named(rabbit_exe, name):
    module = importlib.import_module(f"test_ex_{name}")
    label, answer = module.WRONG
    done = _submit(rabbit_exe, name, {**module.RIGHT, label: answer})
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"blank ({label}) is not right" in done.stdout
    assert all(f"blank ({other}) is right" in done.stdout for other in module.RIGHT if other != label)
