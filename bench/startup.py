"""Start-up cost of the list-like commands against a bare `python -c pass`, side by side.

Targets: `rabbit --help`, `rabbit exercises --json` and `rabbit syllabus --json` median <= 12x,
`rabbit bank list --json` median <= 15x (with the bank cache warm; syllabus with no record yet,
as a learner's first look). Run: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from _common import clean_env, rabbit_cmd, report, side_by_side


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    rabbit = rabbit_cmd()
    with tempfile.TemporaryDirectory() as home:
        env = clean_env(home)
        medians = side_by_side({
            "python -c pass": [sys.executable, "-c", "pass"],
            "rabbit --help": rabbit + ["--help"],
            "rabbit exercises --json": rabbit + ["exercises", "--json"],
            "rabbit bank list --json": rabbit + ["bank", "list", "--json"],
            "rabbit syllabus --json": rabbit + ["syllabus", "--json"],
        }, args.runs, env)
    ok = report("start-up (median of interleaved runs)", medians, "python -c pass", {
        "rabbit --help": ("<=", 12),
        "rabbit exercises --json": ("<=", 12),
        "rabbit bank list --json": ("<=", 15),
        "rabbit syllabus --json": ("<=", 12),
    })
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
