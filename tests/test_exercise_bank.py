"""The exercise bank checks itself: every template fails unfilled, every right answer passes,
every known wrong answer fails and is named, and every exercise's cases cover what they must."""

import numpy as np
import pytest

from quiz import grading
from quiz.grading import cases
from quiz.exercises import load_all

# These tests are about the bank's answers, not the box: the session's warm worker grades them
# (the same harness, forked instead of started cold for each of some hundred submissions).
pytestmark = pytest.mark.usefixtures("shared_warm_worker")
# DOMAIN.md: for a 1-D w, w.dot(E.T) computes the same values as E.dot(w); grading by value
# accepts it, and the explanation says the exam intends E.dot(w).
SAME_VALUES = {("encode", "w.dot(E.T)")}
NAMES = list(load_all())  # every exercise of the bank: the names come from it, not from a list here
COURSE = {"traverse", "bptt", "gradient_clipping", "lstm", "gru", "bidirectional", "encode", "attention"}


def test_all_eight_exercises_are_in_the_bank():
    assert COURSE <= set(NAMES)


def _right(ex) -> dict:
    return {b.label: b.right_option for b in ex.blanks}


def _one_wrong(ex, blank, answer: str):
    """`answer` in `blank`, the other blanks right: the verdict, and what it says of that blank."""
    answers = dict(_right(ex), **{blank.label: answer})
    verdict = grading.grade(ex, grading.fill(ex, answers), answer=answers)  # as --answer LABEL=EXPR gives them
    if len(ex.blanks) == 1:
        return verdict, verdict.misconception
    said = verdict.by_blank.get(blank.label, {})
    others = [label for label in ex.labels if label != blank.label]
    assert not said.get("passed", True), f"{ex.name}: ({blank.label}) `{answer}` not named as the wrong blank"
    assert all(verdict.by_blank.get(label, {}).get("passed", True) for label in others), \
        f"{ex.name}: `{answer}` in ({blank.label}) blamed another blank: {verdict.by_blank}"
    return verdict, said.get("misconception")


@pytest.mark.parametrize("name", NAMES)
def test_unfilled_template_fails_with_a_clear_message(name):
    ex = load_all()[name]
    verdict = grading.grade(ex, ex.template.read_text(encoding="utf-8"))
    assert not verdict.passed
    assert verdict.reason == "blank" and verdict.error == ex.blanks[0].label
    from quiz.commands.exercise_core import feedback_lines

    assert f"blank ({ex.blanks[0].label}) is not filled in yet" in "\n".join(feedback_lines(verdict, ex, "en"))


@pytest.mark.parametrize("name", NAMES)
def test_the_exam_answer_passes(name):
    ex = load_all()[name]
    right = _right(ex)
    verdict = grading.grade(ex, grading.fill(ex, right), answer=right)
    assert verdict.passed, verdict.to_dict()
    assert verdict.passed_cases == verdict.cases >= 4


@pytest.mark.parametrize("name", NAMES)
def test_every_wrong_option_fails(name):
    """Each blank's wrong options fail with the other blanks right, and the feedback blames that blank."""
    ex = load_all()[name]
    for b in ex.blanks:
        for i, option in enumerate(b.options, 1):
            if i == b.answer or (name, option) in SAME_VALUES:
                continue
            verdict, _ = _one_wrong(ex, b, option)
            assert not verdict.passed, f"{name}: ({b.label}) wrong option {i} `{option}` passed"


@pytest.mark.parametrize("name", NAMES)
def test_known_misconceptions_fail_and_are_named(name):
    ex = load_all()[name]
    checked = 0
    for b in ex.blanks:
        for m in b.misconceptions:
            for answer in m.answers:
                verdict, named = _one_wrong(ex, b, answer)
                assert not verdict.passed, f"{name}: ({b.label}) misconception `{answer}` passed"
                assert named is m, f"{name}: ({b.label}) `{answer}` not matched to its feedback"
                checked += 1
    assert checked >= 3


@pytest.mark.parametrize("name", NAMES)
def test_cases_use_distinct_non_square_shapes(name):
    ex = load_all()[name]
    case_list = cases.build_cases(ex)
    dim_sets = {tuple(sorted(c.dims.items())) for c in case_list}
    assert len(dim_sets) >= 3, "at least three shape sets"
    seeds = [c["seed"] for c in ex.grading["cases"]]
    assert len(set(seeds)) == len(seeds), "distinct seeds"
    distinct = [c for c in case_list if len(set(c.dims.values())) == len(c.dims)]
    assert len(distinct) >= 2, "shape sets whose dimensions all differ"
    for letter in ("B", "T"):
        if all(letter in c.dims for c in case_list):
            assert any(c.dims[letter] == 1 for c in case_list), f"a case with {letter}=1"


def test_gradient_clipping_cases_cover_both_branches():
    ex = load_all()["gradient_clipping"]
    clipped = kept = 0
    for c in cases.build_cases(ex):
        args = dict(c.args)
        norm = np.linalg.norm(args["grad"])
        if norm > args["threshold"]:
            clipped += 1
        else:
            kept += 1
    assert clipped >= 2 and kept >= 2


def test_equivalent_expressions_pass():
    ex = load_all()["lstm"]
    for answer in ["a * input_gate + prev_c * forget_gate", "forget_gate*prev_c+input_gate*a"]:
        assert grading.grade(ex, grading.fill(ex, answer), answer=answer).passed


def test_full_width_ime_answer_is_normalised():
    ex = load_all()["lstm"]
    answer = "input_gate　＊　a　＋　forget_gate　＊　prev_c"
    verdict = grading.grade(ex, grading.fill(ex, answer))
    assert verdict.passed


def test_answer_is_extracted_from_an_edited_file():
    ex = load_all()["lstm"]
    source = ex.template.read_text(encoding="utf-8").replace(ex.marker, "forget_gate * c")
    assert grading.extract_answer(ex, source) == "forget_gate * c"
    verdict = grading.grade(ex, source)
    assert not verdict.passed
    assert verdict.misconception is not None


def test_value_mismatch_feedback_names_case_shape_and_difference():
    ex = load_all()["lstm"]
    answer = "output_gate * a + forget_gate * prev_c"
    verdict = grading.grade(ex, grading.fill(ex, answer), answer=answer)
    first = verdict.failed[0]
    assert first.reason == "mismatch"
    assert first.output == "c" and first.max_diff > 1e-3
    assert first.expected_value != first.actual_value and first.where is not None
    assert first.expected_shape == first.actual_shape


def test_wrong_shape_feedback_gives_both_shapes():
    ex = load_all()["bidirectional"]
    answer = "np.concatenate([hs_f, hs_b[:, ::-1]], axis=1)"
    verdict = grading.grade(ex, grading.fill(ex, answer), answer=answer)
    assert not verdict.passed
    shaped = [c for c in verdict.failed if c.reason in ("shape", "error")]
    assert shaped


def test_value_equivalent_option_passes_as_domain_says():
    ex = load_all()["encode"]
    # no longer one of the options (it made two right answers), but typed it still passes
    assert grading.grade(ex, grading.fill(ex, "w.dot(E.T)")).passed
