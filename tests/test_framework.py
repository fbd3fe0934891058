"""Framework questions (issue 12): the exam asks PyTorch or TensorFlow items, the candidate's choice.

An item may say `framework: pytorch | tensorflow` (anything else is a validation error with file,
line and field); the field reaches the Question, survives the bank cache and shows in
`rabbit bank list`.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()


def item(ident: str, framework: str | None = None, section: int = 1) -> str:
    lines = [f"  - id: {ident}", "    day: 2", f"    section: {section}", "    type: choice", "    source: original"]
    if framework is not None:
        lines.append(f"    framework: {framework}")
    lines += [f"    prompt: {{ja: 問い {ident}, en: Question {ident}}}", "    options:",
              *(f"      - {{ja: {o}, en: {o}}}" for o in ("a", "b", "c", "d")),
              "    answer: 1", "    explanation: {ja: 説明, en: Why}"]
    return "\n" + "\n".join(lines)


def own_bank(tmp_path: Path, monkeypatch, items: list[str]) -> Path:
    mine = tmp_path / "mine"
    mine.mkdir()
    path = mine / "fw.yaml"
    path.write_text("questions:" + "".join(items), encoding="utf-8")
    monkeypatch.setenv("RABBIT_BANK", str(mine))
    return path


def test_a_bad_framework_is_reported_with_file_line_and_field_naming_the_two(tmp_path, monkeypatch):
    path = own_bank(tmp_path, monkeypatch, [item("mine.pt", "pytorch"), item("mine.jax", "jax")])
    r = runner.invoke(app, ["bank", "validate", str(path)])
    assert r.exit_code == 2, r.output
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "framework: jax" in text)
    wanted = [x for x in r.stderr.splitlines() if x.startswith(f"{path}:{line}: mine.jax.framework:")]
    assert wanted, r.stderr
    assert "pytorch" in wanted[0] and "tensorflow" in wanted[0] and "jax" in wanted[0]
    assert "Traceback" not in r.output


def test_the_framework_reaches_the_question_and_survives_the_cache(tmp_path, monkeypatch):
    from quiz import bank, jsoncache

    own_bank(tmp_path, monkeypatch, [item("mine.pt", "pytorch"), item("mine.tf", "tensorflow"), item("mine.any")])
    for attempt in ("computed", "from the cache"):
        by_id = {q.id: q for q in bank.load()}
        assert (by_id["mine.pt"].framework, by_id["mine.tf"].framework, by_id["mine.any"].framework) == \
            ("pytorch", "tensorflow", None), attempt
        assert list(jsoncache.path("bank", "x").parent.glob("bank-*.json")), "the bank cache was written"


def test_bank_list_shows_the_framework(tmp_path, monkeypatch):
    own_bank(tmp_path, monkeypatch, [item("mine.pt", "pytorch", section=90), item("mine.any", section=90)])
    r = runner.invoke(app, ["bank", "list", "--day", "2", "--section", "90", "--json"])
    assert r.exit_code == 0, r.output
    rows = {row["id"]: row for row in json.loads(r.stdout)}
    assert rows["mine.pt"]["framework"] == "pytorch" and rows["mine.any"]["framework"] is None
    r = runner.invoke(app, ["bank", "list", "--day", "2", "--section", "90"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "framework" in r.stdout and "pytorch" in r.stdout
