"""The syllabus as data: bank/syllabus.yaml is the map, and every question and exercise names
where it sits on it (`syllabus: [ids]`). A wrong id is a bank error with file, line and field,
like any other; a code item inherits its exercise's ids; every shipped item has ids.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz import bank, exercises, resources, syllabus
from quiz.cli import app
from quiz.problems import BankError

runner = CliRunner()

ITEM = """\
questions:
  - id: my.one
    day: 3
    section: 2
    syllabus: {ids}
    type: choice
    source: original
    prompt: {{ja: 問, en: Q}}
    options: [{{ja: a, en: a}}, {{ja: b, en: b}}, {{ja: c, en: c}}, {{ja: d, en: d}}]
    answer: 1
    explanation: {{ja: 解説, en: Why}}
"""


def write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    _, problems = bank.validate_paths([path])
    return [str(p) for p in problems]


def test_the_outline_has_73_items_in_five_chapters_each_scored_under_its_area():
    s = syllabus.load()
    assert len(s.topics) == 73
    area_of = {t.chapter: t.area for t in s.topics.values()}
    assert area_of == {1: "math", 2: "ml", 3: "dl", 4: "dl", 5: "dev"}
    assert s.areas["math"] == {"ja": "応用数学", "en": "Applied mathematics"}
    gating = s.topics["3-5-2"]
    assert gating.name["ja"] == "ゲート機構" and gating.name["en"]
    assert "忘却ゲート" in gating.terms["ja"] and "forget gate" in gating.terms["en"]
    assert s.topics["1-1-1"].shading == "grey" and s.topics["1-1-2"].shading is None


@pytest.mark.parametrize("selector, expected", [
    ("3-5-2", ["3-5-2"]), ("4-2", ["4-2-1", "4-2-2", "4-2-3"]), ("5", ["5-1-1", "5-2-1", "5-2-2", "5-3-1", "5-4-1"]),
    ("2-1-1", ["2-1-1"]),  # not 2-1-10..12: a prefix is made of whole parts
    ("9", []),
])
def test_a_topic_selector_is_an_id_or_a_prefix_of_whole_parts(selector, expected):
    assert syllabus.load().matching(selector) == expected


def test_an_unknown_syllabus_id_is_reported_with_file_line_and_field(tmp_path):
    path = write(tmp_path, ITEM.format(ids="[3-5-2, 3-5-9]"))
    result = runner.invoke(app, ["bank", "validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:5: my.one.syllabus: unknown syllabus id '3-5-9'" in result.stderr
    assert "rabbit syllabus" in result.stderr  # where to look the ids up


@pytest.mark.parametrize("value", ["[]", "3-5-2", "[352]", "{a: 1}"])
def test_an_empty_or_mistyped_syllabus_field_is_an_error(tmp_path, value):
    path = write(tmp_path, ITEM.format(ids=value))
    assert any(p.startswith(f"{path}:5: my.one.syllabus: expected a non-empty list of syllabus ids") for p in problems_of(path))


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch):
    """A copy of the shipped data that rabbit takes for its own bank (as bank/math will be)."""
    data = tmp_path / "data"
    shutil.copytree(resources.bank_dir(), data / "bank")
    monkeypatch.setattr(resources, "data_root", lambda: data)
    syllabus.load.cache_clear()
    yield data / "bank"
    syllabus.load.cache_clear()


def test_a_shipped_question_without_syllabus_ids_is_an_error_and_the_other_checks_go_on(shipped_copy):
    path = shipped_copy / "day3" / "mine.yaml"
    path.write_text(ITEM.format(ids="[3-5-2]").replace("    syllabus: [3-5-2]\n", "").replace("answer: 1", "answer: 7"),
                    encoding="utf-8")
    found = problems_of(path)
    assert any(p.startswith(f"{path}:2: my.one.syllabus: missing field") for p in found), found
    assert any("my.one.answer" in p for p in found), found


def test_a_learners_own_question_may_leave_the_ids_out(tmp_path):
    path = write(tmp_path, ITEM.format(ids="[3-5-2]").replace("    syllabus: [3-5-2]\n", ""))
    questions, problems = bank.validate_paths([path])
    assert not problems and questions[0].syllabus == ()


def test_a_valid_item_carries_its_ids(tmp_path):
    path = write(tmp_path, ITEM.format(ids="[3-5-2, 4-4-1]"))
    questions, problems = bank.validate_paths([path])
    assert not problems and questions[0].syllabus == ("3-5-2", "4-4-1")


def test_a_code_item_may_omit_the_ids_and_inherits_its_exercises(tmp_path):
    path = write(tmp_path, """\
        questions:
          - id: my.code
            day: 3
            section: 2
            type: code
            source: challenge
            exercise: lstm
    """)
    questions, problems = bank.validate_paths([path])
    assert not problems
    assert questions[0].syllabus == exercises.load_all()["lstm"].syllabus == ("3-5-2",)


def test_an_exercise_with_an_unknown_or_missing_id_is_reported(tmp_path):
    shipped = resources.bank_dir() / "exercises" / "lstm.yaml"
    bad = tmp_path / "lstm.yaml"
    bad.write_text(shipped.read_text(encoding="utf-8").replace("syllabus: [3-5-2]", "syllabus: [3-5-7]"), encoding="utf-8")
    line = next(i for i, ln in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if ln.startswith("syllabus:"))
    with pytest.raises(BankError) as e:
        exercises._load_uncached(tmp_path, resources.exercises_dir())
    assert any(str(p).startswith(f"{bad}:{line}: syllabus: unknown syllabus id '3-5-7'") for p in e.value.problems)
    bad.write_text(shipped.read_text(encoding="utf-8").replace("syllabus: [3-5-2]\n", ""), encoding="utf-8")
    with pytest.raises(BankError) as e:
        exercises._load_uncached(tmp_path, resources.exercises_dir())
    assert any(p.field == "syllabus" and p.message == "missing field" for p in e.value.problems)


def test_every_shipped_question_and_exercise_has_known_syllabus_ids():
    known = set(syllabus.load().topics)
    questions = bank.load()
    assert questions and all(q.syllabus and set(q.syllabus) <= known for q in questions), \
        [q.id for q in questions if not q.syllabus or not set(q.syllabus) <= known]
    exs = exercises.load_all()
    assert exs and all(ex.syllabus and set(ex.syllabus) <= known for ex in exs.values())
    day3 = {i for q in questions if q.day == 3 for i in q.syllabus}
    assert day3 <= {i for i in known if i.startswith(("3-5-", "3-6-", "4-4-", "4-6-", "3-1-", "3-2-", "3-4-"))}


def test_syllabus_ids_do_not_make_an_item_look_changed(tmp_path):
    """Adding the ids to the shipped bank must not flag every answered item as 'changed'."""
    with_ids = write(tmp_path, ITEM.format(ids="[3-5-2]"), "a.yaml")
    other_ids = write(tmp_path, ITEM.format(ids="[4-4-1]"), "b.yaml")
    (a,), _ = bank.validate_paths([with_ids])
    (b,), _ = bank.validate_paths([other_ids])
    assert a.content_hash == b.content_hash


def test_the_syllabus_file_is_not_read_as_questions():
    result = runner.invoke(app, ["bank", "validate"])
    assert result.exit_code == 0, result.output
    assert "syllabus.yaml" not in result.output + result.stderr


def test_a_broken_syllabus_file_is_a_bank_error_not_a_traceback(shipped_copy):
    (shipped_copy / "syllabus.yaml").write_text("areas: {}\nchapters:\n  - chapter: 1\n    sections: [{section: 9-1}]\n",
                                                encoding="utf-8")
    with pytest.raises(BankError) as e:
        syllabus.load()
    assert any(p.field == "areas.math" for p in e.value.problems)
    assert any("section: 1-M" in p.message for p in e.value.problems)
    result = runner.invoke(app, ["bank", "validate"])
    assert result.exit_code == 2 and "areas.math" in result.stderr and "Traceback" not in result.stderr
