"""`rabbit submit` end to end against one equivalent pytest file, side by side, per exercise.

The baseline is what a course would otherwise do: a pytest file that imports the learner's
filled-in function, draws the same kind of inputs, and compares with the reference engine by
np.allclose. Target: for every exercise, rabbit's median <= 1/3 of pytest's.

Run it with a non-editable install (pip install . into a venv of its own, with pytest): the
rabbit it times is the one beside the interpreter (_common.rabbit_cmd), and an editable install
or a source checkout measures a different start-up.

    python -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install . pytest
    /tmp/bench-venv/bin/python bench/submit_vs_pytest.py                    # lstm, as quoted in notes
    /tmp/bench-venv/bin/python bench/submit_vs_pytest.py --exercise q_learning --exercise gru
    /tmp/bench-venv/bin/python bench/submit_vs_pytest.py --all [--runs N] [--form file|answer]

Without arguments: lstm as first measured, `rabbit submit lstm --answer EXPR` against a pytest
file of five fixed cases (the figure the notes quote; kept so it stays comparable).

With --exercise NAME (repeatable) or --all, for each exercise:
- the learner's side is the template with every blank filled by its right option. By default
  (--form file) it is the learner's own copy, $RABBIT_HOME/exercises/NAME.py, submitted as a
  learner does after editing it: `rabbit submit NAME`. --form answer gives the options on the
  command line instead: `rabbit submit NAME --answer EXPR` (one blank) or `--answer あ=EXPR
  --answer い=EXPR ...` (several).
- the baseline is a generated pytest file (pytest_source) that loads that same filled file and
  the reference engine (solutions/, as a package loaded by path), draws its inputs with the
  project's own case generators (their source, copied from quiz/grading/cases.py into the file):
  the public cases from the exercise's grading metadata (dims, seeds, input overrides, module
  globals), identical to rabbit's, and as many fresh cases as rabbit grades, from a secret seed
  drawn on each run, on the dims of public cases picked by that seed, as rabbit draws them; then
  compares every output by shape and np.allclose with the exercise's rtol/atol. Each case is one
  parametrized test, so it grades public + fresh cases, as many as rabbit does.
The two commands run interleaved (_common.side_by_side, after one warm-up each) in one RABBIT_HOME,
so rabbit's case cache and fresh-case pool are warm and refilled as a learner's would be. One
line per exercise (both medians, the ratio), then the worst ratio against the target.
Before timing, each side runs once and must pass (exit 0), or the bench stops with exit 2.
Exit 0 when every exercise meets the target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import inspect
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import clean_env, rabbit_cmd, report, side_by_side

TARGET = 1 / 3

# --- the measurement as first quoted: lstm, one blank, five fixed cases --------------------------

ANSWER = "input_gate * a + forget_gate * prev_c"

PYTEST_FILE = '''
import importlib.util
import numpy as np
import pytest

def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

submission = load({submission!r}, "submission")
reference = load({reference!r}, "reference")

@pytest.mark.parametrize("B, D, H, seed", [(3, 5, 6, 1), (1, 5, 6, 2), (2, 3, 4, 3), (4, 6, 5, 4), (5, 2, 7, 5)])
def test_lstm(B, D, H, seed):
    rng = np.random.default_rng(seed)
    args = (rng.standard_normal((B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H)),
            rng.standard_normal((4 * H, D)) * 0.5, rng.standard_normal((4 * H, H)) * 0.5, rng.standard_normal(4 * H) * 0.1)
    for got, want in zip(submission.lstm(*args), reference.lstm(*args)):
        assert got.shape == want.shape
        assert np.allclose(got, want, rtol=1e-6, atol=1e-8)
'''


def quoted_lstm(runs: int) -> int:
    from quiz import resources

    template = resources.exercises_dir() / "lstm.py"
    with tempfile.TemporaryDirectory() as tmp:
        submission = Path(tmp) / "submission_lstm.py"
        submission.write_text(template.read_text(encoding="utf-8").replace("___け___", f"({ANSWER})"), encoding="utf-8")
        # a stand-alone copy of the reference (no package-relative imports) for the baseline
        reference = Path(tmp) / "reference_lstm.py"
        reference.write_text(template.read_text(encoding="utf-8").replace("___け___", f"({ANSWER})"), encoding="utf-8")
        test_file = Path(tmp) / "test_submission.py"
        test_file.write_text(PYTEST_FILE.format(submission=str(submission), reference=str(reference)), encoding="utf-8")
        env = clean_env(str(Path(tmp) / "home"))
        medians = side_by_side({
            "pytest test_submission.py": pytest_cmd(test_file),
            "rabbit submit lstm --answer ...": rabbit_cmd() + ["submit", "lstm", "--answer", ANSWER],
        }, runs, env, cwd=tmp)
    ok = report("submit vs pytest (median of interleaved runs)", medians, "pytest test_submission.py", {
        "rabbit submit lstm --answer ...": ("<=", TARGET),
    })
    return 0 if ok else 1


# --- every exercise: the filled template, and a pytest file that grades it as rabbit does ----------

# copied verbatim into each generated file: the case generators rabbit draws its inputs with (every
# draw_ function the generator table names, so a new input kind is copied too) and what they use
_GENERATOR_PARTS = ("Case", "Tree", "dim", "_dim_of", "_random_structure", "IntArg", "generate", "_case", "_materialise")

_HEADER = '''"""Generated by bench/submit_vs_pytest.py: grade {name} as rabbit does, with pytest."""
import ast
import copy
import importlib
import importlib.util
import operator
import secrets
import sys
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pytest

GRADING = {grading}
FUNCTION, N_RETURNS, RTOL, ATOL, FRESH = {function!r}, {n_returns}, {rtol!r}, {atol!r}, {fresh}
GENERATORS = {generators!r}
_OPS = {{ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}}


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_engine(root, name):
    """The reference engine, a package with relative imports, loaded by path."""
    spec = importlib.util.spec_from_file_location("reference_engine", root + "/__init__.py",
                                                  submodule_search_locations=[root])
    package = importlib.util.module_from_spec(spec)
    sys.modules["reference_engine"] = package
    spec.loader.exec_module(package)
    return importlib.import_module("reference_engine." + name)


submission = load({submission!r}, "submission")
reference = load_engine({solutions!r}, {reference!r})

'''

_FOOTER = '''

def _cases():
    public = [_case(GRADING, c, np.random.default_rng(int(c["seed"])), str(c["name"])) for c in GRADING["cases"]]
    rng = np.random.default_rng(secrets.randbits(64))  # fresh cases: a new secret seed every run
    picks = rng.choice(len(GRADING["cases"]), size=FRESH, replace=False)
    fresh = [_case(GRADING, GRADING["cases"][int(i)], rng, "fresh %d: %s" % (k, GRADING["cases"][int(i)]["name"]))
             for k, i in enumerate(picks, 1)]
    return public + fresh


CASES = _cases()


def call(module, case):
    for name, value in case.globals.items():
        setattr(module, name, _materialise(value))
    value = getattr(module, FUNCTION)(*(_materialise(v) for _, v in case.args))
    values = list(value) if N_RETURNS > 1 else [value]
    return [np.asarray(v, dtype=np.float64) for v in values]


@pytest.mark.parametrize("case", CASES, ids=["case%d" % i for i in range(len(CASES))])
def test_{function}(case):
    got, want = call(submission, case), call(reference, case)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        assert np.allclose(g, w, rtol=RTOL, atol=ATOL)
'''


def pytest_source(ex, submission: Path) -> str:
    """A pytest file that grades `submission` (a filled copy of ex's template) on the inputs
    rabbit grades it on: the public cases, then as many fresh ones as rabbit draws."""
    from quiz import resources
    from quiz.exercises import GENERATORS
    from quiz.grading import cases, freshcases

    g = json.loads(json.dumps(ex.grading))  # plain dicts and lists, written as a Python literal
    header = _HEADER.format(
        name=ex.name, grading=repr(g), function=g["function"], n_returns=len(cases.returns(ex)),
        rtol=float(g.get("rtol", 1e-6)), atol=float(g.get("atol", 1e-8)), fresh=freshcases.fresh_count(ex),
        generators=dict(GENERATORS), submission=str(submission), solutions=str(resources.solutions_dir()),
        reference=ex.reference)
    parts = [inspect.getsource(getattr(cases, part)) for part in _GENERATOR_PARTS + tuple(sorted(set(GENERATORS.values())))]
    return header + "\n\n".join(parts) + _FOOTER.format(function=g["function"])


def filled(ex, answers: dict[str, str] | None = None) -> str:
    """The template with every blank filled: by its right option, or by answers[label]."""
    from quiz.grading import blanks

    return blanks.fill(ex, {b.label: (answers or {}).get(b.label, b.right_option) for b in ex.blanks})


def answer_args(ex) -> list[str]:
    """--answer as a learner gives the right options: EXPR for one blank, LABEL=EXPR for several."""
    if len(ex.blanks) == 1:
        return ["--answer", ex.blanks[0].right_option]
    return [arg for b in ex.blanks for arg in ("--answer", f"{b.label}={b.right_option}")]


def pytest_cmd(test_file: Path) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)]


def measure(ex, runs: int, tmp: Path, env: dict, form: str) -> dict[str, float]:
    from quiz import home

    workspace = home.workspace_dir()
    workspace.mkdir(parents=True, exist_ok=True)
    submission = workspace / ex.template.name  # the learner's own copy, where `rabbit submit` reads it
    submission.write_text(filled(ex), encoding="utf-8")
    test_file = tmp / f"test_{ex.name}.py"
    test_file.write_text(pytest_source(ex, submission), encoding="utf-8")
    commands = {"pytest": pytest_cmd(test_file),
                "rabbit": rabbit_cmd() + ["submit", ex.name] + (answer_args(ex) if form == "answer" else [])}
    for side, cmd in commands.items():  # both must pass the right answer, or the times mean nothing
        run = subprocess.run(cmd, env=env, cwd=str(tmp), capture_output=True, text=True)
        if run.returncode != 0:
            raise NotPassing(f"{ex.name}: {side} exited {run.returncode} on the right options:\n"
                             + (run.stdout + run.stderr)[-2000:])
    return side_by_side(commands, runs, env, cwd=str(tmp))


class NotPassing(Exception):
    """One side of the comparison failed the filled template: a broken bench, not a figure."""


def every_exercise(names: list[str] | None, runs: int, form: str) -> int:
    """Measure `names` (None: every exercise of the bank), one line each, then the worst ratio."""
    import os

    with tempfile.TemporaryDirectory() as tmp:
        env = clean_env(str(Path(tmp) / "home"))
        os.environ["RABBIT_HOME"] = env["RABBIT_HOME"]  # this process's caches and copies go there too
        from quiz.exercises import load_all

        bank = load_all()
        names = sorted(bank) if names is None else names
        unknown = [n for n in names if n not in bank]
        if unknown:
            print(f"unknown exercise(s): {', '.join(unknown)}; known: {', '.join(sorted(bank))}", file=sys.stderr)
            return 2
        shown = "rabbit submit NAME" + (" --answer ..." if form == "answer" else " (the learner's filled copy)")
        print(f"\n{shown} vs pytest test_NAME.py (public + fresh cases), median of {runs} interleaved runs")
        worst = (0.0, "")
        for name in names:
            try:
                m = measure(bank[name], runs, Path(tmp), env, form)
            except NotPassing as e:
                print(e, file=sys.stderr)
                return 2
            ratio = m["rabbit"] / m["pytest"]
            worst = max(worst, (ratio, name))
            print(f"  {name:<24} pytest {m['pytest'] * 1000:8.1f} ms   rabbit {m['rabbit'] * 1000:8.1f} ms   "
                  f"ratio {ratio:5.2f}   {'met' if ratio <= TARGET else 'NOT MET'}", flush=True)
    met = worst[0] <= TARGET
    print(f"worst ratio {worst[0]:.2f} ({worst[1]}) of {len(names)} exercise(s), target <= 1/3 "
          f"({TARGET:.2f}): {'met' if met else 'NOT MET'}")
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--exercise", action="append", default=[], metavar="NAME", help="measure this exercise (repeatable)")
    parser.add_argument("--all", action="store_true", help="measure every exercise of the bank")
    parser.add_argument("--form", choices=("file", "answer"), default="file",
                        help="submit the learner's filled copy (file) or the options as --answer (answer)")
    args = parser.parse_args(argv)
    # the installed rabbit's own package when there is one (its bank is the one rabbit grades with)
    sys.path.append(str(Path(__file__).resolve().parent.parent))
    if not args.all and not args.exercise:
        return quoted_lstm(args.runs)
    return every_exercise(None if args.all else list(dict.fromkeys(args.exercise)), args.runs, args.form)


if __name__ == "__main__":
    sys.exit(main())
