"""bench/submit_vs_pytest.py's baseline really grades: the pytest file it generates for an exercise
passes the template filled with the right options, fails it with a wrong option in one blank, and
draws the same public inputs rabbit grades on (and as many cases in all). Nothing is timed here."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from quiz.exercises import load_all
from quiz.grading import cases, freshcases

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))  # the bench imports its sibling _common
    try:
        spec = importlib.util.spec_from_file_location("submit_vs_pytest", BENCH / "submit_vs_pytest.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


def _write(bench, ex, directory: Path, answers=None) -> Path:
    submission = directory / ex.template.name
    submission.write_text(bench.filled(ex, answers), encoding="utf-8")
    test_file = directory / f"test_{ex.name}.py"
    test_file.write_text(bench.pytest_source(ex, submission), encoding="utf-8")
    return test_file


def _pytest(test_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           test_file.name], cwd=test_file.parent, capture_output=True, text=True, timeout=120)


# several blanks with integer arrays (q_learning), several blanks with int arguments and 4-d
# arrays (im2col_conv), one blank with a tree input and module globals (traverse)
@pytest.mark.parametrize("name", ["q_learning", "im2col_conv", "traverse", "iou"])
def test_generated_pytest_file_passes_the_right_options_and_fails_a_wrong_one(bench, name, tmp_path):
    ex = load_all()[name]
    n_cases = len(ex.grading["cases"]) + freshcases.fresh_count(ex)

    (tmp_path / "right").mkdir()
    right = _pytest(_write(bench, ex, tmp_path / "right"))
    assert right.returncode == 0, right.stdout + right.stderr
    assert f"{n_cases} passed" in right.stdout

    blank = ex.blanks[-1]
    wrong_option = next(o for i, o in enumerate(blank.options, 1) if i != blank.answer)
    (tmp_path / "wrong").mkdir()
    wrong = _pytest(_write(bench, ex, tmp_path / "wrong", {blank.label: wrong_option}))
    assert wrong.returncode == 1, wrong.stdout + wrong.stderr
    assert " failed" in wrong.stdout


def _same(a, b) -> bool:
    if isinstance(a, cases.Tree):
        return a.structure == b.structure and np.array_equal(a.leaves, b.leaves)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    return type(a).__name__ == type(b).__name__ and a == b


@pytest.mark.parametrize("name", ["q_learning", "traverse", "iou"])
def test_generated_file_draws_rabbits_public_inputs(bench, name, tmp_path):
    ex = load_all()[name]
    test_file = _write(bench, ex, tmp_path)
    spec = importlib.util.spec_from_file_location(f"generated_{name}", test_file)
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    public = cases.build_cases(ex)
    assert len(generated.CASES) == len(public) + freshcases.fresh_count(ex)
    for mine, theirs in zip(generated.CASES, public):
        assert [n for n, _ in mine.args] == [n for n, _ in theirs.args]
        assert all(_same(a, b) for (_, a), (_, b) in zip(theirs.args, mine.args))
        assert mine.globals.keys() == theirs.globals.keys()
        assert all(_same(theirs.globals[k], mine.globals[k]) for k in theirs.globals)
    for mine in generated.CASES[len(public):]:  # fresh: on the dims of a public case
        assert mine.dims in [c.dims for c in public]
