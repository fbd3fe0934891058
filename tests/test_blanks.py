"""Blanks as a list: an exercise holds several labelled blanks; the one-blank form is a list of one.

The two-blank exercise is a test fixture (tests/fixtures/blanks: lstm2, the lstm step with (あ) the
input gate and (い) the cell update), graded by the shipped reference engine."""

import json
from pathlib import Path

import pytest

from quiz import bank, exercises, grading
from quiz.commands import exercise_core as core

FIXTURE = Path(__file__).parent / "fixtures" / "blanks"
RIGHT = {"あ": "_sigmoid(i)", "い": "input_gate * a + forget_gate * prev_c"}


def two_blanks(directory: Path = FIXTURE / "exercises", templates: Path = FIXTURE / "templates"):
    return exercises._load_uncached(directory, templates)


@pytest.fixture
def lstm2(monkeypatch):
    """The fixture bank's exercises stand in for the shipped ones (as `rabbit submit` sees them)."""
    found = two_blanks()
    monkeypatch.setattr(core, "all_exercises", lambda: found)
    return found["lstm2"]


def test_the_new_form_reads_each_blank_with_its_own_options_answer_hints_and_misconceptions():
    ex = two_blanks()["lstm2"]
    assert ex.labels == ("あ", "い")
    a, i = ex.blanks
    assert a.right_option == "_sigmoid(i)" and i.right_option == RIGHT["い"]
    assert len(a.hints) == 1 and len(i.hints) == 2
    assert a.misconceptions[0].answers == ("np.tanh(i)",)
    assert [b.label for b, _ in ex.hint_tiers()] == ["あ", "い", "い"]
    with pytest.raises(ValueError, match="2 blanks"):
        ex.options  # several blanks have no single one


def test_the_one_blank_form_is_a_list_of_one_and_survives_the_cache():
    first = exercises.load_all()["lstm"]
    assert [b.label for b in first.blanks] == ["け"] and first.blank == "け" and first.marker == "___け___"
    exercises.load_all.cache_clear()
    again = exercises.load_all()["lstm"]  # read back from the JSON cache this time
    assert again == first


def _bad(tmp_path, edit) -> str:
    """lstm2.yaml edited by `edit` (text → text), validated: the problems as printed."""
    (tmp_path / "ex").mkdir()
    text = (FIXTURE / "exercises" / "lstm2.yaml").read_text(encoding="utf-8")
    (tmp_path / "ex" / "lstm2.yaml").write_text(edit(text), encoding="utf-8")
    with pytest.raises(exercises.BankError) as e:
        two_blanks(tmp_path / "ex")
    return str(e.value)


def test_a_label_given_twice_is_named_with_file_line_and_field(tmp_path):
    said = _bad(tmp_path, lambda s: s.replace("  - label: い", "  - label: あ"))
    assert "lstm2.yaml:" in said and "blanks[1].label: label あ is given twice" in said


def test_a_label_whose_marker_is_not_in_the_template_is_an_error(tmp_path):
    said = _bad(tmp_path, lambda s: s.replace("  - label: い", "  - label: う"))
    assert "blanks[1].label: the template lstm2.py holds the marker ___う___ 0 times; expected exactly once" in said
    assert "holds a marker ___い___ that no blank declares" in said


def test_a_marker_twice_in_the_template_is_an_error(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    source = (FIXTURE / "templates" / "lstm2.py").read_text(encoding="utf-8")
    (templates / "lstm2.py").write_text(source + "\n# ___あ___\n", encoding="utf-8")
    with pytest.raises(exercises.BankError, match=r"blanks\[0\].label: .*___あ___ 2 times"):
        two_blanks(templates=templates)


def test_options_and_answer_of_a_blank_are_checked_with_their_line(tmp_path):
    said = _bad(tmp_path, lambda s: s.replace('"_sigmoid(f)", ', "").replace("answer: 3", "answer: 5"))
    lines = (FIXTURE / "exercises" / "lstm2.yaml").read_text(encoding="utf-8").splitlines()
    options_line = next(n for n, ln in enumerate(lines, 1) if '"np.tanh(i)", "_sigmoid(i)"' in ln)
    answer_line = next(n for n, ln in enumerate(lines, 1) if "answer: 3" in ln)
    assert f"lstm2.yaml:{options_line}: blanks[0].options: expected a list of exactly 4 code strings" in said
    assert f"lstm2.yaml:{answer_line}: blanks[1].answer: 5 is not among the options 1-4" in said


def test_the_one_blank_fields_beside_blanks_are_refused(tmp_path):
    said = _bad(tmp_path, lambda s: s.replace("blanks:\n", "answer: 2\nblanks:\n"))
    assert "answer: with blanks:, each blank's label" in said


def test_fill_takes_label_to_expression_and_the_file_gives_them_back():
    ex = two_blanks()["lstm2"]
    source = grading.fill(ex, RIGHT)
    assert "___" not in source
    assert grading.extract_answers(ex, source) == {"あ": "(_sigmoid(i))", "い": f"({RIGHT['い']})"}
    partly = grading.fill(ex, {"い": RIGHT["い"]})
    assert grading.unfilled_blanks(partly) == ["あ"]


@pytest.mark.parametrize("given", [["あ=_sigmoid(i)", "い=input_gate * a + forget_gate * prev_c"],
                                   ["a=_sigmoid(i)", "i = input_gate * a + forget_gate * prev_c"],
                                   ["（い）＝input_gate * a + forget_gate * prev_c", "(あ)=_sigmoid(i)"]])
def test_labelled_answers_by_label_or_ascii_name(given):
    ex = two_blanks()["lstm2"]
    assert grading.labelled_answers(ex, given) == RIGHT


def test_one_blank_takes_a_bare_expression_or_its_label():
    ex = exercises.load_all()["lstm"]
    assert grading.labelled_answers(ex, ["a == b"]) == {"け": "a == b"}
    assert grading.labelled_answers(ex, ["ke=input_gate"]) == {"け": "input_gate"}


@pytest.mark.parametrize("given, problem, labels", [
    (["a=_sigmoid(i)"], "missing", ["い"]),
    (["a=_sigmoid(i)", "x=1", "i=2"], "unknown", ["x"]),
    (["_sigmoid(i)", "i=3"], "unknown", ["_sigmoid(i)"]),
    (["a=1", "あ=2", "i=3"], "twice", ["あ"]),
])
def test_answers_that_do_not_say_their_blank_are_refused(given, problem, labels):
    with pytest.raises(grading.LabelError) as e:
        grading.labelled_answers(two_blanks()["lstm2"], given)
    assert (e.value.problem, e.value.labels) == (problem, labels)


def test_the_wrong_blank_is_named_with_the_others_set_to_the_reference():
    ex = two_blanks()["lstm2"]
    verdict = grading.grade(ex, grading.fill(ex, {**RIGHT, "い": "output_gate * a + forget_gate * prev_c"}))
    assert not verdict.passed
    assert verdict.wrong_blanks == ["い"] and verdict.by_blank["あ"]["passed"]
    assert verdict.by_blank["い"]["misconception"].feedback["en"] == "The input gate scales a, not the output gate."
    said = "\n".join(core.feedback_lines(verdict, ex, "en"))
    assert "blank (あ) is right" in said and "blank (い) is not right" in said
    assert "The input gate scales a, not the output gate." in said


def test_both_blanks_wrong_are_both_named():
    ex = two_blanks()["lstm2"]
    verdict = grading.grade(ex, grading.fill(ex, {"あ": "np.tanh(i)", "い": "output_gate * a + forget_gate * prev_c"}))
    assert verdict.wrong_blanks == ["あ", "い"]
    assert verdict.by_blank["あ"]["misconception"].answers == ("np.tanh(i)",)


def test_a_right_submission_runs_the_box_once_and_says_nothing_per_blank():
    ex = two_blanks()["lstm2"]
    verdict = grading.grade(ex, grading.fill(ex, RIGHT))
    assert verdict.passed and verdict.by_blank == {} and verdict.answers == {k: f"({v})" for k, v in RIGHT.items()}


def test_submit_with_labelled_option_numbers_passes_and_records_each_blank(lstm2, capsys):
    assert core.submit("lstm2", answer=["a=2", "い=3"], json_out=True, lang="en") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["passed"] and out["option"] == {"あ": 2, "い": 3}
    [attempt] = core.open_store().attempts(lstm2.id)
    detail = attempt["detail"] if isinstance(attempt["detail"], dict) else json.loads(attempt["detail"])
    assert detail["answers"] == RIGHT and detail["option"] == {"あ": 2, "い": 3}


def test_submit_records_which_blank_was_wrong(lstm2, capsys):
    assert core.submit("lstm2", answer=["a=2", "i=1"], lang="en") == 1
    said = capsys.readouterr().out
    assert "blank (い) is not right" in said and "blank (あ) is right" in said
    [attempt] = core.open_store().attempts(lstm2.id)
    detail = attempt["detail"] if isinstance(attempt["detail"], dict) else json.loads(attempt["detail"])
    assert detail["blanks"] == {"あ": True, "い": False}


@pytest.mark.parametrize("given, said", [
    (["a=2"], "no answer for blank (い) of lstm2"),
    (["a=2", "u=1"], "lstm2 has no blank (u); its blanks are (あ), (い)"),
    (["_sigmoid(i)"], "its blanks are (あ), (い)"),
    (["a=2", "i=7"], "there is no option 7"),
])
def test_submit_usage_errors_exit_2_and_record_nothing(lstm2, capsys, given, said):
    with pytest.raises(SystemExit) as e:
        core.submit("lstm2", answer=given, lang="en")
    assert e.value.code == 2 and said in capsys.readouterr().err
    assert core.open_store().attempts(lstm2.id) == []


def test_the_fast_path_collects_every_answer(lstm2, capsys):
    assert core.fast_submit(["lstm2", "--answer", "a=2", "-a", "i=3", "--lang", "en"]) == 0


def test_code_items_are_derived_one_per_blank_with_the_label_on_the_second():
    found = two_blanks()
    items = bank.code_items(found)
    assert [q.id for q in items] == ["d3.s2.code-lstm2", "d3.s2.code-lstm2-い"]
    from quiz import kinds

    second = kinds.of(items[1]).exercise(items[1], found)
    assert second.options == found["lstm2"].blanks[1].options and second.answer == 3
    assert all(q.syllabus == ("3-5-2",) and q.day == 3 and q.section == 2 for q in items)


def test_the_shipped_code_items_keep_their_ids_for_the_learners_history():
    ids = {q.id for q in bank.load() if q.type == "code"}
    assert {"d3.s1.code-traverse", "d3.s1.code-bptt", "d3.s1.code-gradient-clipping", "d3.s2.code-lstm",
            "d3.s3.code-gru", "d3.s4.code-bidirectional", "d3.s5.code-encode", "d3.s7.code-attention"} <= ids
    # and every exercise has one code item per blank, named from where it sits
    derived = {i for ex in exercises.load_all().values() for i in ex.code_item_ids()}
    assert ids == derived and len(ids) == sum(len(ex.blanks) for ex in exercises.load_all().values())
    attention = next(q for q in bank.load() if q.id == "d3.s7.code-attention")
    assert attention.source == "original"
    assert not (Path(bank.resources.bank_dir()) / "day3" / "code.yaml").exists()  # declared nowhere else


def test_a_learners_bank_dir_with_a_code_item_of_its_own_still_works(tmp_path, monkeypatch):
    (tmp_path / "mine.yaml").write_text(
        "questions:\n  - {id: my.code-lstm, day: 3, section: 2, type: code, source: original, exercise: lstm}\n",
        encoding="utf-8")
    monkeypatch.setenv("RABBIT_BANK", str(tmp_path))
    ids = [q.id for q in bank.load() if q.type == "code"]
    assert "my.code-lstm" in ids and "d3.s2.code-lstm" in ids


def _template(tmp_path, text: str, labels=("あ",)):
    from types import SimpleNamespace

    path = tmp_path / "t.py"
    path.write_text(text, encoding="utf-8")
    return SimpleNamespace(template=path, labels=labels)


def test_a_blank_followed_by_code_and_a_comment_is_read_from_the_learners_file(tmp_path):
    ex = _template(tmp_path, "def f(x, W, b):\n    y = ___あ___ + b  # the affine map\n    return y\n")
    mine = "def f(x, W, b):\n    y = x @ W + b  # the affine map\n    return y\n"
    assert grading.extract_answers(ex, mine) == {"あ": "x @ W"}
    edited = "def f(x, W, b):\n    y = x @ W + b  # my own note, with a # in it\n    return y\n"
    assert grading.extract_answers(ex, edited) == {"あ": "x @ W"}


def test_a_blank_is_read_from_its_own_line_not_an_earlier_one_that_looks_the_same(tmp_path):
    ex = _template(tmp_path, "def f(x):\n    h = np.zeros(3)\n    h = ___あ___\n    return h\n")
    mine = "def f(x):\n    h = np.zeros(3)\n    h = np.tanh(x)\n    return h\n"
    assert grading.extract_answers(ex, mine) == {"あ": "np.tanh(x)"}
    # lines added above it by the learner do not move it either
    moved = "import numpy as np\n\n\ndef f(x):\n    # my notes\n    h = np.zeros(3)\n    h = np.tanh(x)\n    return h\n"
    assert grading.extract_answers(ex, moved) == {"あ": "np.tanh(x)"}


def test_a_hash_inside_a_string_is_not_a_comment(tmp_path):
    ex = _template(tmp_path, "def f(d):\n    k = ___あ___\n    return d[k]\n")
    assert grading.extract_answers(ex, "def f(d):\n    k = '#key'  # a note\n    return d[k]\n") == {"あ": "'#key'"}
