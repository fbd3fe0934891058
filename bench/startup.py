"""Start-up cost of the list-like commands against a bare `python -c pass`, side by side.

Targets: `rabbit --help`, `rabbit exercises --json`, `rabbit syllabus --json`, `rabbit bank list
--json`, and the first card of `rabbit quiz day2` and of a 100-question `rabbit exam` (timed from
the start until the card's prompt appears on the output; then an answer, or end of input, ends the
run untimed), median <= 12x, with the whole bank and its cache warm (syllabus with no record yet,
as a learner's first look). The whole one-question quiz (`printf '?\n' | rabbit quiz day2 --count 1`)
is shown beside them. Run with a non-editable install (pip install .): /path/venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile

from _common import Until, clean_env, rabbit_cmd, report, side_by_side


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
            # until the first card's prompt is on the screen; then an answer (or end of input) ends the run untimed
            "rabbit quiz day2 (first card)": Until(rabbit + ["quiz", "day2", "--count", "1", "--lang", "en"], b"answer> ", b"?\n"),
            "rabbit exam (first card)": Until(rabbit + ["exam", "--count", "100", "--seed", "1", "--lang", "en"], b"answer> "),
            # the whole one-question session, for reference (the card, the answer recorded, the summary)
            "rabbit quiz day2 (whole, 1 question)": ["sh", "-c", f"printf '?\\n' | {shlex.join(rabbit)} quiz day2 --count 1"],
        }, args.runs, env)
    ok = report("start-up (median of interleaved runs)", medians, "python -c pass", {
        "rabbit --help": ("<=", 12),
        "rabbit exercises --json": ("<=", 12),
        "rabbit bank list --json": ("<=", 12),
        "rabbit syllabus --json": ("<=", 12),
        "rabbit quiz day2 (first card)": ("<=", 12),
        "rabbit exam (first card)": ("<=", 12),
    })
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
