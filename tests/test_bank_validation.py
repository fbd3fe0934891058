"""Bank validation as a learner or bank author meets it.

Every kind of bank error is reported with file, line and what was expected, all errors at once,
exit code 2, never a traceback. Also: the learner's own question directory ($RABBIT_BANK),
`bank list` filters, and the content-hash bank cache (a stale cache is never served).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()

SHIPPED_BANK = Path(__file__).resolve().parent.parent / "bank"


# --------------------------------------------------------------------------- helpers

def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """1-based number of the nth line of the file containing `needle`."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} time(s) in {path}"
    return hits[nth - 1]


def validate(*paths: Path):
    return runner.invoke(app, ["bank", "validate", *map(str, paths)])


def assert_clean(result) -> None:
    """The command ended by itself (exit code), not by an escaping exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"an exception escaped: {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr


def assert_failed(result) -> None:
    assert_clean(result)
    assert result.exit_code == 2, result.output


def reported(stderr: str, path: Path, line: int, field: str, *words: str) -> str:
    """The stderr line `PATH:LINE: FIELD: message` for this problem, with every word in the message."""
    prefix = f"{path}:{line}:"
    candidates = [l for l in stderr.splitlines() if l.strip().startswith(prefix) and f" {field}:" in l]
    assert candidates, f"no problem reported at {prefix} for field {field!r}; stderr was:\n{stderr}"
    for cand in candidates:
        if all(w.lower() in cand.lower() for w in words):
            return cand
    raise AssertionError(f"problem at {prefix} {field!r} does not mention {words}; got:\n" + "\n".join(candidates))


def problem_count(stderr: str) -> int:
    last = [l for l in stderr.splitlines() if "problem(s) in" in l]
    assert last, f"no summary line in stderr:\n{stderr}"
    return int(last[-1].split()[0])


def run_rabbit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real console experience: `python -m quiz ...` with this test's RABBIT_HOME / RABBIT_BANK."""
    return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True,
                          env=dict(os.environ), cwd=cwd, timeout=120)


VALID = """
questions:
  - id: mine.d4.s9.valid-choice
    day: 4
    section: 9
    type: choice
    source: original
    prompt: {ja: "正しいものを選べ。", en: "Choose the correct one."}
    options:
      - {ja: "一", en: "one"}
      - {ja: "二", en: "two"}
      - {ja: "三", en: "three"}
      - {ja: "四", en: "four"}
    answer: 2
    explanation: {ja: "二が正しい。", en: "Two is right."}
    tags: [mine]

  - id: mine.d4.s9.valid-numeric
    day: 4
    section: 9
    type: numeric
    source: original
    prompt: {ja: "出力サイズは?", en: "What is the output size?"}
    answer: [3, 3]
    explanation: {ja: "3×3 になる。", en: "It is 3×3."}

  - id: mine.d4.s9.valid-expr
    day: 4
    section: 9
    type: expr
    source: original
    prompt: {ja: "周の長さは?", en: "What is the perimeter?"}
    variables: [x, y]
    answer: "2*(x + y)"
    explanation: {ja: "2(x+y)。", en: "2(x+y)."}

  - id: mine.d4.s9.valid-describe
    day: 4
    section: 9
    type: describe
    source: original
    prompt: {ja: "勾配消失を説明せよ。", en: "Explain vanishing gradients."}
    model_answer: {ja: "勾配が小さくなる。", en: "Gradients shrink."}
    key_points:
      - {ja: "勾配が小さくなる", en: "gradients shrink", keywords: ["小さく", "shrink"]}
    explanation: {ja: "説明。", en: "Explanation."}

  - id: mine.d4.s9.valid-code
    day: 4
    section: 9
    type: code
    source: original
    exercise: lstm
"""


# --------------------------------------------------------------------------- one error kind each

def test_unknown_field_is_named_with_its_line(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.unknown-field
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
            hint: {ja: "ヒント", en: "hint"}
        """)
    r = validate(f)
    assert_failed(r)
    msg = reported(r.stderr, f, line_of(f, "hint:"), "t.unknown-field.hint", "unknown field")
    assert "accept" in msg and "allowed" in msg  # says what would have been accepted


def test_missing_language_is_reported(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.no-en
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "日本語だけ"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "prompt:"), "t.no-en.prompt.en", "missing en text")


def test_duplicate_id_across_two_files_names_both_locations(tmp_path):
    body = """
        questions:
          - id: t.other-{n}
            day: 3
            section: 1
            type: text
            source: original
            prompt: {{ja: "問", en: "Q"}}
            explanation: {{ja: "解", en: "A"}}
            accept: [rnn]

          - id: t.shared
            day: 3
            section: 1
            type: text
            source: original
            prompt: {{ja: "問", en: "Q"}}
            explanation: {{ja: "解", en: "A"}}
            accept: [rnn]
        """
    a = write(tmp_path, "a.yaml", body.format(n=1))
    b = write(tmp_path, "b.yaml", body.format(n=2))
    r = validate(a, b)
    assert_failed(r)
    line_a, line_b = line_of(a, "id: t.shared"), line_of(b, "id: t.shared")
    msg = reported(r.stderr, b, line_b, "t.shared.id", "duplicate id")
    assert f"{a}:{line_a}" in msg  # the first occurrence is named too
    assert problem_count(r.stderr) == 1


def test_choice_answer_not_among_the_options(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.choice-5
            day: 3
            section: 1
            type: choice
            source: original
            prompt: {ja: "問", en: "Q"}
            options:
              - {ja: "一", en: "one"}
              - {ja: "二", en: "two"}
              - {ja: "三", en: "three"}
              - {ja: "四", en: "four"}
            answer: 5
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "answer:"), "t.choice-5.answer", "1-4", "5", "not among the options")


def test_multi_answer_with_out_of_range_index(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.multi-7
            day: 3
            section: 1
            type: multi
            source: original
            prompt: {ja: "問", en: "Q"}
            options:
              - {ja: "一", en: "one"}
              - {ja: "二", en: "two"}
              - {ja: "三", en: "three"}
              - {ja: "四", en: "four"}
            answer: [1, 7]
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "answer:"), "t.multi-7.answer", "1-4", "[1, 7]")


def test_wrong_day_type(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.day-three
            day: "three"
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "day:"), "t.day-three.day", "day 1-4", "'three'")


def test_unknown_question_type(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.type-quiz
            day: 3
            section: 1
            type: quiz
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    msg = reported(r.stderr, f, line_of(f, "type:"), "t.type-quiz.type", "'quiz'")
    for t in ("choice", "multi", "numeric", "text", "expr", "describe", "code"):
        assert t in msg


def test_yaml_syntax_error_reports_its_line(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.syntax
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: rnn: lstm
        """)
    r = validate(f)
    assert_failed(r)
    line = line_of(f, "accept: rnn: lstm")
    assert any(l.startswith(f"{f}:{line}:") and "YAML syntax error" in l for l in r.stderr.splitlines()), r.stderr


def test_field_given_twice_in_one_item(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.twice
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
            section: 2
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "section:", nth=2), "t.twice.section", "given twice")


def test_choice_with_three_options(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.three-options
            day: 3
            section: 1
            type: choice
            source: original
            prompt: {ja: "問", en: "Q"}
            options:
              - {ja: "一", en: "one"}
              - {ja: "二", en: "two"}
              - {ja: "三", en: "three"}
            answer: 1
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "options:"), "t.three-options.options", "exactly 4", "got 3")


def test_numeric_answer_given_as_a_string(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.numeric-string
            day: 3
            section: 1
            type: numeric
            source: original
            prompt: {ja: "問", en: "Q"}
            answer: "3"
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "answer:"), "t.numeric-string.answer", "number", "'3'")


def test_expr_key_that_is_not_a_formula(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.bad-expr
            day: 3
            section: 1
            type: expr
            source: original
            prompt: {ja: "問", en: "Q"}
            variables: [x, y]
            answer: "2*(x + y"
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "answer:"), "t.bad-expr.answer", "not a readable formula")


def test_expr_key_with_a_name_that_is_not_a_variable(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.expr-z
            day: 3
            section: 1
            type: expr
            source: original
            prompt: {ja: "問", en: "Q"}
            variables: [x, y]
            answer: "2*(x + z)"
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "answer:"), "t.expr-z.answer", "formula", "z")


def test_describe_key_point_without_keywords(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.no-keywords
            day: 3
            section: 1
            type: describe
            source: original
            prompt: {ja: "問", en: "Q"}
            model_answer: {ja: "模範", en: "model"}
            key_points:
              - {ja: "要点", en: "point", keywords: ["要点"]}
              - {ja: "要点二", en: "point two"}
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "point two"), "t.no-keywords.key_points[2].keywords", "keywords")
    assert problem_count(r.stderr) == 1  # the first key point is fine


def test_code_item_naming_an_unknown_exercise(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.code-typo
            day: 3
            section: 2
            type: code
            source: original
            exercise: lsmt
        """)
    r = validate(f)
    assert_failed(r)
    msg = reported(r.stderr, f, line_of(f, "exercise:"), "t.code-typo.exercise", "'lsmt'")
    assert "lstm" in msg  # the known names are listed, so the typo is easy to fix


def test_missing_required_field(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.no-accept
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "id: t.no-accept"), "t.no-accept.accept", "missing field")


# --------------------------------------------------------------------------- robustness: odd values never crash

def test_code_exercise_given_as_a_list_is_reported_not_a_crash(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.code-list
            day: 3
            section: 2
            type: code
            source: original
            exercise: [lstm]
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "exercise:"), "t.code-list.exercise", "exercise")


def test_a_list_used_as_a_mapping_key_is_reported_not_a_crash(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.list-key
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
            [a, b]: 1
        """)
    r = validate(f)
    assert_failed(r)
    line = line_of(f, "[a, b]: 1")
    assert any(l.startswith(f"{f}:{line}:") for l in r.stderr.splitlines()), r.stderr


def test_an_item_that_is_not_a_mapping_is_reported_with_its_line(tmp_path):
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.fine
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
          - just a string
        """)
    r = validate(f)
    assert_failed(r)
    line = line_of(f, "- just a string")
    assert any(l.startswith(f"{f}:{line}:") and "mapping" in l for l in r.stderr.splitlines()), r.stderr


# --------------------------------------------------------------------------- all errors at once

def test_several_errors_in_one_file_are_all_reported_in_one_run(tmp_path):
    f = write(tmp_path, "many.yaml", """
        questions:
          - id: m.unknown
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
            hint: {ja: "ヒント", en: "hint"}

          - id: m.no-en
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "日本語だけ"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]

          - id: m.choice-5
            day: 3
            section: 1
            type: choice
            source: original
            prompt: {ja: "問", en: "Q"}
            options:
              - {ja: "一", en: "one"}
              - {ja: "二", en: "two"}
              - {ja: "三", en: "three"}
              - {ja: "四", en: "four"}
            answer: 5
            explanation: {ja: "解", en: "A"}

          - id: m.day-three
            day: "three"
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]

          - id: m.numeric-string
            day: 3
            section: 1
            type: numeric
            source: original
            prompt: {ja: "問", en: "Q"}
            answer: "3"
            explanation: {ja: "解", en: "A"}

          - id: m.code-typo
            day: 3
            section: 2
            type: code
            source: original
            exercise: lsmt

          - id: m.fine
            day: 3
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "hint:"), "m.unknown.hint", "unknown field")
    reported(r.stderr, f, line_of(f, "日本語だけ"), "m.no-en.prompt.en", "missing en text")
    reported(r.stderr, f, line_of(f, "answer: 5"), "m.choice-5.answer", "not among the options")
    reported(r.stderr, f, line_of(f, 'day: "three"'), "m.day-three.day", "'three'")
    reported(r.stderr, f, line_of(f, 'answer: "3"'), "m.numeric-string.answer", "'3'")
    reported(r.stderr, f, line_of(f, "exercise: lsmt"), "m.code-typo.exercise", "'lsmt'")
    assert problem_count(r.stderr) == 6
    assert "m.fine" not in r.stderr
    assert r.stdout == ""  # no "ok" line when there are problems


def test_errors_across_files_are_all_reported_in_one_run(tmp_path):
    a = write(tmp_path, "a.yaml", """
        questions:
          - id: x.bad-day
            day: 7
            section: 1
            type: text
            source: original
            prompt: {ja: "問", en: "Q"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
        """)
    b = write(tmp_path, "b.yaml", """
        questions:
          - id: x.broken
            day: 3
            prompt: {ja: "問", en: "Q"
        """)
    r = validate(a, b)
    assert_failed(r)
    reported(r.stderr, a, line_of(a, "day: 7"), "x.bad-day.day", "1-4", "7")
    assert f"{b}:" in r.stderr and "YAML syntax error" in r.stderr
    assert "in 2 file(s)" in r.stderr


def test_several_errors_in_one_item_are_all_reported_in_one_run(tmp_path):
    # A typo'd field name must not hide the item's other mistakes until the next run.
    f = write(tmp_path, "q.yaml", """
        questions:
          - id: t.one-item
            day: "three"
            section: 1
            type: choice
            source: original
            prompt: {ja: "問", en: "Q"}
            options:
              - {ja: "一", en: "one"}
              - {ja: "二", en: "two"}
              - {ja: "三", en: "three"}
              - {ja: "四", en: "four"}
            answer: 5
            explanation: {ja: "解", en: "A"}
            hint: {ja: "ヒント", en: "hint"}
        """)
    r = validate(f)
    assert_failed(r)
    reported(r.stderr, f, line_of(f, "hint:"), "t.one-item.hint", "unknown field")
    reported(r.stderr, f, line_of(f, 'day: "three"'), "t.one-item.day", "'three'")
    reported(r.stderr, f, line_of(f, "answer: 5"), "t.one-item.answer", "not among the options")


# --------------------------------------------------------------------------- valid banks

def test_valid_file_validates_and_prints_the_count(tmp_path):
    f = write(tmp_path, "mine.yaml", VALID)
    r = validate(f)
    assert_clean(r)
    assert r.exit_code == 0, r.output
    assert "ok: 5 questions in 1 file(s)" in r.stdout
    assert r.stderr == ""


def test_validate_without_arguments_checks_the_shipped_bank():
    r = runner.invoke(app, ["bank", "validate"])
    assert_clean(r)
    assert r.exit_code == 0, r.output
    n_files = len([p for p in SHIPPED_BANK.rglob("*.yaml") if "exercises" not in p.relative_to(SHIPPED_BANK).parts
                   and p not in (SHIPPED_BANK / "sections.yaml", SHIPPED_BANK / "syllabus.yaml")])  # names and the map, not questions
    assert f"in {n_files} file(s)" in r.stdout
    count = int(r.stdout.split("ok:")[1].split()[0])
    assert count > 0


# --------------------------------------------------------------------------- the learner's own questions

def test_own_question_directory_is_listed(tmp_path, monkeypatch):
    mine = tmp_path / "my-bank"
    write(mine, "extra.yaml", VALID)
    monkeypatch.setenv("RABBIT_BANK", str(mine))
    r = runner.invoke(app, ["bank", "list", "--json"])
    assert_clean(r)
    assert r.exit_code == 0, r.output
    ids = {row["id"] for row in json.loads(r.stdout)}
    assert "mine.d4.s9.valid-choice" in ids and "mine.d4.s9.valid-code" in ids
    assert "d3.s1.code-traverse" in ids  # the shipped bank is still there

    r = runner.invoke(app, ["bank", "validate"])  # no argument: shipped bank and $RABBIT_BANK
    assert r.exit_code == 0, r.output


def test_invalid_own_question_file_makes_bank_list_exit_2_naming_the_file(tmp_path, monkeypatch):
    mine = tmp_path / "my-bank"
    f = write(mine, "broken.yaml", """
        questions:
          - id: mine.broken
            day: 3
            section: 1
            type: choice
            source: original
            prompt: {ja: "問", en: "Q"}
            options:
              - {ja: "一", en: "one"}
              - {ja: "二", en: "two"}
              - {ja: "三", en: "three"}
              - {ja: "四", en: "four"}
            answer: 5
            explanation: {ja: "解", en: "A"}
        """)
    monkeypatch.setenv("RABBIT_BANK", str(mine))
    p = run_rabbit("bank", "list", cwd=tmp_path)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    reported(p.stderr, f, line_of(f, "answer: 5"), "mine.broken.answer", "not among the options")
    assert p.stdout == ""

    p = run_rabbit("bank", "list", "--json", cwd=tmp_path)
    assert p.returncode == 2
    assert str(f) in p.stderr and "Traceback" not in p.stderr


def test_missing_own_question_directory_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("RABBIT_BANK", str(tmp_path / "does-not-exist"))
    p = run_rabbit("bank", "list", cwd=tmp_path)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    assert "does-not-exist" in p.stderr and "RABBIT_BANK" in p.stderr


# --------------------------------------------------------------------------- bank list filters

def test_list_filters_by_day_and_section():
    all_rows = json.loads(runner.invoke(app, ["bank", "list", "--json"]).stdout)
    r = runner.invoke(app, ["bank", "list", "--day", "3", "--section", "1", "--json"])
    assert_clean(r)
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert rows
    for row in rows:
        assert {"id", "day", "section", "type"} <= set(row)
        assert row["day"] == 3 and row["section"] == 1
    expected = {row["id"] for row in all_rows if row["day"] == 3 and row["section"] == 1}
    assert {row["id"] for row in rows} == expected  # only, and all, of day 3 section 1

    r = runner.invoke(app, ["bank", "list", "--day", "day3", "--section", "1", "--json"])
    assert {row["id"] for row in json.loads(r.stdout)} == expected


def test_list_with_an_impossible_day_exits_2_naming_the_fix():
    r = runner.invoke(app, ["bank", "list", "--day", "9", "--lang", "en"])
    assert_failed(r)
    assert "--day" in r.stderr and "1-4" in r.stderr and "day1-day4" in r.stderr and "'9'" in r.stderr
    assert r.stdout == ""


# --------------------------------------------------------------------------- the bank cache

def _cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache").glob("bank-*.json"))


def test_bank_cache_is_written_and_never_stale(tmp_path, monkeypatch, rabbit_home):
    mine = tmp_path / "my-bank"
    f = write(mine, "cached.yaml", """
        questions:
          - id: mine.d4.s9.cached
            day: 4
            section: 9
            type: text
            source: original
            prompt: {ja: "OLDPROMPT", en: "OLDPROMPT"}
            explanation: {ja: "解", en: "A"}
            accept: [rnn]
        """)
    monkeypatch.setenv("RABBIT_BANK", str(mine))
    args = ("bank", "list", "--day", "4", "--section", "9", "--lang", "en")

    p = run_rabbit(*args, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "OLDPROMPT" in p.stdout
    caches = _cache_files(rabbit_home)
    assert len(caches) == 1
    assert "OLDPROMPT" in caches[0].read_text(encoding="utf-8")

    # A second call with nothing changed reuses the same cache file.
    p = run_rabbit(*args, cwd=tmp_path)
    assert p.returncode == 0 and "OLDPROMPT" in p.stdout
    assert _cache_files(rabbit_home) == caches

    # Same size, same mtime, different content: the key is the content, so this is picked up.
    st = f.stat()
    f.write_text(f.read_text(encoding="utf-8").replace("OLDPROMPT", "NEWPROMPT"), encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size

    p = run_rabbit(*args, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "NEWPROMPT" in p.stdout and "OLDPROMPT" not in p.stdout
    new_caches = _cache_files(rabbit_home)
    assert len(new_caches) == 1 and new_caches != caches  # the old cache is replaced, not served
    assert "NEWPROMPT" in new_caches[0].read_text(encoding="utf-8")

    # Breaking the file afterwards is reported, not hidden behind the previous good cache.
    f.write_text(f.read_text(encoding="utf-8").replace("accept: [rnn]", "accept: [rnn]\n    hint: x"), encoding="utf-8")
    p = run_rabbit(*args, cwd=tmp_path)
    assert p.returncode == 2
    assert str(f) in p.stderr and "hint" in p.stderr and "Traceback" not in p.stderr


def test_in_process_load_sees_edits(tmp_path, monkeypatch):
    from quiz import bank

    mine = tmp_path / "my-bank"
    f = write(mine, "cached.yaml", VALID)
    monkeypatch.setenv("RABBIT_BANK", str(mine))
    by_id = {q.id: q for q in bank.load()}
    assert by_id["mine.d4.s9.valid-choice"].prompt["en"] == "Choose the correct one."
    f.write_text(f.read_text(encoding="utf-8").replace("Choose the correct one.", "Pick the right one!!!"),
                 encoding="utf-8")
    by_id = {q.id: q for q in bank.load()}
    assert by_id["mine.d4.s9.valid-choice"].prompt["en"] == "Pick the right one!!!"
