"""`rabbit grade` on 300 lstm submissions against a fresh `python -c` per submission, side by side.

The submissions are a mix of right answers (several equivalent forms), wrong ones (the misprint,
a wrong gate, a flipped sign) and crashing ones (an exception, an exit, a syntax error, a missing
function). The baseline is what a course would script without rabbit: for every file, a fresh
`python -c` that imports numpy, loads the file and runs the function on the same five shapes;
it runs two at a time, as `rabbit grade --jobs 2` does. Target: rabbit's throughput >= 5x the
baseline's (its median time <= 1/5). Run: python bench/grade_batch.py [--runs N] [--files N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import clean_env, rabbit_cmd, report, side_by_side

RIGHT = ["input_gate * a + forget_gate * prev_c", "forget_gate * prev_c + input_gate * a",
         "a * input_gate + prev_c * forget_gate", "np.add(input_gate * a, forget_gate * prev_c)"]
WRONG = ["forget_gate * c", "output_gate * a + forget_gate * prev_c", "input_gate * a - forget_gate * prev_c",
         "input_gate * a + forget_gate * prev_h"]
CRASH_PRELUDES = ["raise RuntimeError('oops')\n", "import sys\nsys.exit(0)\n", "import os\nos._exit(3)\n"]

# The baseline for one file: import numpy, load the submission, run it on the five cases.
BASELINE = r'''
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("submission", sys.argv[1])
module = importlib.util.module_from_spec(spec)
try:
    spec.loader.exec_module(module)
    for B, D, H, seed in [(3, 5, 6, 401), (2, 3, 4, 402), (4, 6, 5, 403), (1, 5, 6, 404), (5, 2, 3, 405)]:
        rng = np.random.default_rng(seed)
        args = (rng.standard_normal((B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H)),
                rng.standard_normal((4 * H, D)), rng.standard_normal((4 * H, H)), rng.standard_normal(4 * H))
        c, h = module.lstm(*args)
    print("ran")
except BaseException as e:
    print("failed:", type(e).__name__)
'''

# Runs BASELINE once per file, `jobs` at a time: one command for side_by_side to time.
DRIVER = r'''
import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
baseline, directory, jobs = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
def one(path):
    return subprocess.run([sys.executable, "-c", baseline, str(path)], capture_output=True, timeout=60).returncode
with ThreadPoolExecutor(jobs) as pool:
    list(pool.map(one, sorted(directory.glob("*.py"))))
'''


def build(directory: Path, count: int) -> dict[str, int]:
    """`count` submissions: half right, 30% wrong, 20% crashing (exceptions and exits, no loops)."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from quiz import resources

    template = (resources.exercises_dir() / "lstm.py").read_text(encoding="utf-8")
    kinds = {"right": 0, "wrong": 0, "crash": 0}
    for i in range(count):
        slot = i % 10
        if slot < 5:
            kind, text = "right", template.replace("___け___", f"({RIGHT[i % len(RIGHT)]})")
        elif slot < 8:
            kind, text = "wrong", template.replace("___け___", f"({WRONG[i % len(WRONG)]})")
        elif slot == 8:
            kind, text = "crash", CRASH_PRELUDES[i % len(CRASH_PRELUDES)] + template.replace("___け___", f"({RIGHT[0]})")
        else:
            kind = "crash"
            text = "def lstm(:\n" if i % 20 == 9 else template.replace("def lstm(", "def lsmt(").replace("___け___", RIGHT[0])
        kinds[kind] += 1
        (directory / f"student_{i:03d}.py").write_text(text, encoding="utf-8")
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "submissions"
        subs.mkdir()
        kinds = build(subs, args.files)
        env = clean_env(str(Path(tmp) / "home"))
        baseline_name = f"python -c per file, {args.jobs} at a time"
        rabbit_name = f"rabbit grade --jobs {args.jobs} --json"
        medians = side_by_side({
            baseline_name: [sys.executable, "-c", DRIVER, BASELINE, str(subs), str(args.jobs)],
            rabbit_name: rabbit_cmd() + ["grade", str(subs), "--exercise", "lstm", "--jobs", str(args.jobs), "--json"],
        }, args.runs, env, cwd=tmp)
    print(f"\n{args.files} lstm submissions: {kinds['right']} right, {kinds['wrong']} wrong, {kinds['crash']} crashing")
    ok = report(f"batch grading (median of {args.runs} interleaved runs)", medians, baseline_name, {
        rabbit_name: ("<=", 1 / 5),
    })
    base = args.files / medians[baseline_name]
    fast = args.files / medians[rabbit_name]
    print(f"  throughput: baseline {base:6.1f} submissions/s, rabbit grade {fast:6.1f} submissions/s"
          f"   ratio {fast / base:5.2f}x   target >= 5x: {'met' if fast / base >= 5 else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
