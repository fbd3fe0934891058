"""`rabbit submit lstm --answer ...` end to end against one equivalent pytest file, side by side.

The baseline is what a course would otherwise do: a pytest file that imports the learner's
filled-in function, draws the same kind of inputs, and compares with the reference engine by
np.allclose. Target: rabbit's median <= 1/3 of pytest's. Run: python bench/submit_vs_pytest.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import clean_env, rabbit_cmd, report, side_by_side

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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
            "pytest test_submission.py": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
            "rabbit submit lstm --answer ...": rabbit_cmd() + ["submit", "lstm", "--answer", ANSWER],
        }, args.runs, env, cwd=tmp)
    ok = report("submit vs pytest (median of interleaved runs)", medians, "pytest test_submission.py", {
        "rabbit submit lstm --answer ...": ("<=", 1 / 3),
    })
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
