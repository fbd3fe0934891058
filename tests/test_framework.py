"""Framework questions: the exam asks PyTorch or TensorFlow items, the candidate's choice.

An item may say `framework: pytorch | tensorflow` (anything else is a validation error with file,
line and field); the field reaches the Question, survives the bank cache and shows in
`rabbit bank list`. `rabbit quiz|review|exam --framework pytorch|tensorflow` leave out the other
framework's items; `rabbit config framework` saves the choice they fall back to (without one,
quiz and review serve both, and a mock exam still asks one framework only, drawn by its seed).
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from quiz.cli import app

runner = CliRunner()


def item(ident: str, framework: str | None = None, section: int = 1) -> str:
    lines = [f"  - id: {ident}", "    day: 2", f"    section: {section}", "    type: choice", "    source: original",
             "    syllabus: [1-1-1]"]
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


# --------------------------------------------------------------------------- serving


THREE = [item("mine.pt", "pytorch", section=90), item("mine.tf", "tensorflow", section=90), item("mine.any", section=90)]


def quizzed(*extra: str) -> set[str]:
    """The ids `rabbit quiz day2 --section 90 --count all` serves (every answer `?`)."""
    r = runner.invoke(app, ["quiz", "day2", "--section", "90", "--count", "all", "--json", *extra], input="?\n" * 10)
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    return {it["id"] for it in json.loads(r.stdout[r.stdout.index("{"):])["items"]}


def test_quiz_framework_leaves_out_the_other_frameworks_items(tmp_path, monkeypatch):
    own_bank(tmp_path, monkeypatch, THREE)
    assert quizzed() == {"mine.pt", "mine.tf", "mine.any"}  # no choice: both
    assert quizzed("--framework", "pytorch") == {"mine.pt", "mine.any"}
    assert quizzed("--framework", "TensorFlow") == {"mine.tf", "mine.any"}


def test_a_bad_framework_option_is_a_usage_error_naming_the_two(tmp_path, monkeypatch):
    own_bank(tmp_path, monkeypatch, THREE)
    for args in (["quiz", "day2", "--framework", "jax"], ["exam", "--framework", "jax"],
                 ["review", "--framework", "jax"], ["config", "framework", "jax"]):
        r = runner.invoke(app, args, input="")
        assert r.exit_code == 2, (args, r.output)
        assert "pytorch" in r.stderr and "tensorflow" in r.stderr and "jax" in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.output


def test_the_saved_framework_is_used_when_no_option_is_given(tmp_path, monkeypatch):
    own_bank(tmp_path, monkeypatch, THREE)
    r = runner.invoke(app, ["config", "framework"])
    assert r.exit_code == 0 and "pytorch|tensorflow" in r.stdout  # not set: says how to choose
    r = runner.invoke(app, ["config", "framework", "tensorflow"])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["config", "framework"]).stdout.strip() == "tensorflow"
    assert quizzed() == {"mine.tf", "mine.any"}
    assert quizzed("--framework", "pytorch") == {"mine.pt", "mine.any"}  # the option wins
    assert quizzed("--framework", "none") == {"mine.pt", "mine.tf", "mine.any"}
    r = runner.invoke(app, ["config", "framework", "none"])
    assert r.exit_code == 0, r.output
    assert quizzed() == {"mine.pt", "mine.tf", "mine.any"}


def test_review_leaves_out_the_other_framework_by_the_setting_and_the_option(tmp_path, monkeypatch):
    own_bank(tmp_path, monkeypatch, THREE)
    quizzed()  # all three practised (missed): the first ones review --cram serves

    def reviewed(*extra: str) -> set[str]:
        r = runner.invoke(app, ["review", "--cram", "--count", "3", "--json", *extra], input="?\n" * 3)
        assert r.exit_code == 1 and "Traceback" not in r.output, r.output
        return {it["id"] for it in json.loads(r.stdout[r.stdout.index("{"):])["items"]}

    assert {"mine.pt", "mine.tf", "mine.any"} <= reviewed()
    served = reviewed("--framework", "pytorch")
    assert {"mine.pt", "mine.any"} <= served and "mine.tf" not in served
    runner.invoke(app, ["config", "framework", "tensorflow"])
    served = reviewed()
    assert {"mine.tf", "mine.any"} <= served and "mine.pt" not in served


def exam_items(*extra: str):
    """Every askable item the bank has (--count 5000), the exam paused at once: its items and stderr."""
    from quiz.store import Store

    r = runner.invoke(app, ["exam", "--count", "5000", "--minutes", "5", *extra], input="")
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output  # end of input pauses it
    row = Store().exam_unfinished()
    Store().exam_set_state(row["id"], "completed", 0.0)  # the next one starts afresh
    return set(row["items"]), r.stderr


def test_a_mock_exam_asks_one_framework_only(tmp_path, monkeypatch):
    own_bank(tmp_path, monkeypatch, THREE)
    items, _ = exam_items("--framework", "pytorch", "--seed", "1")
    assert {"mine.pt", "mine.any"} <= items and "mine.tf" not in items
    runner.invoke(app, ["config", "framework", "tensorflow"])
    items, _ = exam_items("--seed", "1")
    assert {"mine.tf", "mine.any"} <= items and "mine.pt" not in items
    runner.invoke(app, ["config", "framework", "none"])
    for seed in ("1", "2", "3", "4"):  # no choice: the seed draws one, and the exam says which
        items, err = exam_items("--seed", seed)
        ours = items & {"mine.pt", "mine.tf"}
        assert len(ours) == 1 and "mine.any" in items, (seed, items & {"mine.pt", "mine.tf", "mine.any"})
        assert ("pytorch" if ours == {"mine.pt"} else "tensorflow") in err, err
