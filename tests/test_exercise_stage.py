"""Exercises of the course stages 応用数学 and 機械学習 take `stage: math|ml` instead of `day`, as
questions do, with the same errors for a stage that does not exist or both given."""

from pathlib import Path

from quiz import exercises, resources
from quiz.sections import STAGES

SHIPPED = resources.bank_dir() / "exercises" / "logistic_step.yaml"


def _load(tmp_path: Path, text: str):
    (tmp_path / "logistic_step.yaml").write_text(text, encoding="utf-8")
    return exercises._load_uncached(tmp_path, resources.exercises_dir())


def test_a_stage_exercise_sits_in_its_stage():
    ex = exercises.load_all()["logistic_step"]
    assert ex.day == STAGES["ml"]


def test_an_unknown_stage_or_both_day_and_stage_is_an_error_naming_the_field(tmp_path):
    import pytest

    from quiz.problems import BankError

    text = SHIPPED.read_text(encoding="utf-8")
    with pytest.raises(BankError) as e:
        _load(tmp_path, text.replace("\nstage: ml\n", "\nstage: physics\n"))
    assert "stage" in str(e.value) and "physics" in str(e.value)
    with pytest.raises(BankError) as e:
        _load(tmp_path, text.replace("\nstage: ml\n", "\nstage: ml\nday: 1\n"))
    assert "exactly one of day" in str(e.value)


def test_rabbit_exercises_names_the_stage():
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "quiz", "exercises", "--json"], capture_output=True, text=True)
    row = next(r for r in json.loads(out.stdout) if r["name"] == "logistic_step")
    assert row["stage"] == "ml"
    table = subprocess.run([sys.executable, "-m", "quiz", "exercises", "--lang", "en"], capture_output=True, text=True).stdout
    line = next(ln for ln in table.splitlines() if "logistic_step" in ln)
    assert " ml " in line and "-1" not in line


def test_a_stage_exercise_s_code_items_are_named_for_its_stage():
    from quiz import bank

    ids = [q.id for q in bank.load() if q.type == "code" and q.exercise == "logistic_step"]
    assert ids and all(i.startswith("ml.s3.code-logistic-step") for i in ids), ids
