"""A YAML syntax error names where the broken construct begins as well as where it broke.

libyaml knows both places; an unclosed quote is reported at the line where the string begins,
not at the end of the file where the parser gave up.
"""

from __future__ import annotations

import textwrap

from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()

ITEM = """\
questions:
  - id: t.quote
    day: 3
    section: 1
    type: text
    source: original
    prompt: {ja: "問, en: "Q"}
    explanation: {ja: 解, en: A}
    accept: [rnn]
"""


def _validate(path):
    return runner.invoke(app, ["bank", "validate", str(path)])


def test_unclosed_quote_is_reported_where_the_string_begins(tmp_path):
    f = tmp_path / "q.yaml"
    f.write_text(ITEM.replace('prompt: {ja: "問, en: "Q"}', 'prompt: "問題文が閉じていない'), encoding="utf-8")
    r = _validate(f)
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.startswith(f"{f}:")]
    assert len(lines) == 1, r.output
    assert lines[0].startswith(f"{f}:7:"), r.output  # the prompt line, not the end of the file
    last = len(f.read_text(encoding="utf-8").splitlines()) + 1
    assert f"line {last}" in lines[0], "the place where the parser gave up is named too"
    assert "line 7, column 13" in lines[0]


def test_unclosed_flow_sequence_names_both_places(tmp_path):
    f = tmp_path / "q.yaml"
    f.write_text(ITEM.replace("accept: [rnn]", "accept: [rnn, lstm\n    tags: [x]").replace(
        'prompt: {ja: "問, en: "Q"}', 'prompt: {ja: "問", en: "Q"}'), encoding="utf-8")
    r = _validate(f)
    assert r.exit_code == 2, r.output
    line = next(ln for ln in r.output.splitlines() if ln.startswith(f"{f}:"))
    assert "line 9" in line and "line 10" in line, line  # begins on 9, breaks on 10


def test_single_place_error_still_names_its_line(tmp_path):
    f = tmp_path / "q.yaml"
    f.write_text(textwrap.dedent("""\
        questions:
          - id: t.tab
            day: 3
        \tsection: 1
        """), encoding="utf-8")
    r = _validate(f)
    assert r.exit_code == 2, r.output
    assert f"{f}:4:" in r.output, r.output


def test_aliases_tags_and_a_list_that_holds_itself_are_reported_not_crashed_on(tmp_path):
    from quiz import yamlio

    path = tmp_path / "alias.yaml"
    path.write_text("base: &b {ja: 問, en: Q}\nagain: *b\nloop: &l [1, *l]\nwhen: 2026-01-01\nn: 3\nok: yes\n", encoding="utf-8")
    data = yamlio.load(path)
    assert data["again"] is data["base"] and data["loop"][1] is data["loop"]  # an alias is the same object
    assert data["n"] == 3 and data["ok"] is True and str(data["when"]) == "2026-01-01"
    assert data.line_of("loop") == 3 and data["loop"].line == 3
    bad = tmp_path / "bank.yaml"
    bad.write_text("questions: &q [*q]\n", encoding="utf-8")
    result = _validate(bad)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{bad}:1:" in result.stderr
    tagged = tmp_path / "tag.yaml"
    tagged.write_text("questions:\n  - !foo 3\n", encoding="utf-8")
    result = _validate(tagged)
    assert result.exit_code == 2 and f"{tagged}:2:" in result.stderr and "!foo" in result.stderr
