"""Validate a generated bank of 2,000 questions; target: under one second end to end.

Also prints `rabbit bank list --json` (warm cache) against `python -c pass`, side by side.
Run: python bench/validate_2000.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from _common import clean_env, rabbit_cmd, report, side_by_side

TEMPLATES = {
    "choice": """  - id: gen.{i}
    day: 3
    section: {s}
    type: choice
    source: original
    prompt: {{ja: "問題 {i} の文章。正しいものを選べ。", en: "Question {i}: choose the right one."}}
    options:
      - {{ja: "選択肢A", en: "Option A"}}
      - {{ja: "選択肢B", en: "Option B"}}
      - {{ja: "選択肢C", en: "Option C"}}
      - {{ja: "選択肢D", en: "Option D"}}
    answer: {a}
    explanation: {{ja: "解説 {i}。", en: "Explanation {i}."}}
""",
    "numeric": """  - id: gen.{i}
    day: 3
    section: {s}
    type: numeric
    source: original
    prompt: {{ja: "出力サイズは?", en: "Output size?"}}
    answer: [3, 3]
    explanation: {{ja: "(5 + 2 - 3) / 2 + 1 = 3", en: "(5 + 2 - 3) / 2 + 1 = 3"}}
""",
    "expr": """  - id: gen.{i}
    day: 3
    section: {s}
    type: expr
    source: original
    prompt: {{ja: "dz/dx を求めよ", en: "Find dz/dx"}}
    variables: [x, y]
    answer: "2*(x + y)"
    explanation: {{ja: "連鎖律", en: "Chain rule"}}
""",
    "describe": """  - id: gen.{i}
    day: 3
    section: {s}
    type: describe
    source: original
    prompt: {{ja: "簡潔に述べよ", en: "Describe briefly"}}
    model_answer: {{ja: "模範解答", en: "Model answer"}}
    key_points:
      - {{ja: "要点", en: "point", keywords: ["要点", "point"]}}
    explanation: {{ja: "解説", en: "Explanation"}}
""",
}


def generate(directory: Path, n: int = 2000, per_file: int = 100) -> None:
    kinds = list(TEMPLATES)
    for f in range(n // per_file):
        parts = ["questions:\n"]
        for k in range(per_file):
            i = f * per_file + k
            parts.append(TEMPLATES[kinds[i % len(kinds)]].format(i=i, s=1 + i % 7, a=1 + i % 4))
        (directory / f"gen_{f:03d}.yaml").write_text("".join(parts), encoding="utf-8")


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    with tempfile.TemporaryDirectory() as tmp:
        bank_dir = Path(tmp) / "bank"
        bank_dir.mkdir()
        generate(bank_dir)
        from quiz import bank

        start = time.perf_counter()
        questions, problems = bank.validate_paths([bank_dir])
        in_process = time.perf_counter() - start
        assert len(questions) == 2000 and not problems, problems[:3]
        env = clean_env(str(Path(tmp) / "home"))
        end_to_end = side_by_side({"rabbit bank validate (2,000 questions)": rabbit_cmd() + ["bank", "validate", str(bank_dir)]},
                                  5, env)["rabbit bank validate (2,000 questions)"]
        print(f"\nvalidate 2,000 generated questions: in-process {in_process * 1000:.0f} ms, "
              f"end to end (median) {end_to_end * 1000:.0f} ms; target < 1000 ms: "
              f"{'met' if end_to_end < 1.0 else 'NOT MET'}")
        medians = side_by_side({
            "python -c pass": [sys.executable, "-c", "pass"],
            "rabbit bank list --json": rabbit_cmd() + ["bank", "list", "--json"],
        }, 15, env)
        ok = report("bank list with a warm cache", medians, "python -c pass", {"rabbit bank list --json": ("<=", 15)})
    return 0 if ok and end_to_end < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
