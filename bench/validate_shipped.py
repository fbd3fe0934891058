"""Validate the shipped bank (every question file and the exercises' code items); target: under
one second end to end (`rabbit bank validate`, which never reads the cache).
Run: python bench/validate_shipped.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import clean_env, rabbit_cmd, side_by_side


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.pop("RABBIT_BANK", None)
    with tempfile.TemporaryDirectory() as home:
        os.environ["RABBIT_HOME"] = home
        from quiz import bank, resources

        start = time.perf_counter()
        questions, problems = bank.validate_paths([resources.bank_dir()])
        in_process = time.perf_counter() - start
        env = clean_env(home)
        env.pop("RABBIT_BANK", None)
        name = f"rabbit bank validate ({len(questions)} questions)"
        end_to_end = side_by_side({name: rabbit_cmd() + ["bank", "validate"]}, args.runs, env)[name]
    met = end_to_end < 1.0 and not problems
    print(f"validate the shipped bank ({len(questions)} questions, {len(problems)} problems): in-process "
          f"{in_process * 1000:.0f} ms, end to end (median of {args.runs}) {end_to_end * 1000:.0f} ms; "
          f"target < 1000 ms: {'met' if met else 'NOT MET'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
