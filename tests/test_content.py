"""The bank covers what the Day3 course and DOMAIN.md ask for, in both languages."""

from collections import Counter
from functools import cache

from quiz import answers, bank
from quiz.exercises import load_all


@cache
def questions():
    """The shipped bank, loaded on first use inside a test (under that test's RABBIT_HOME)."""
    return tuple(bank.load())


def by_id():
    return {q.id: q for q in questions()}


def test_day3_has_eight_four_option_originals_per_section_and_sixty_in_all():
    day3 = [q for q in questions() if q.day == 3]
    assert len(day3) >= 60
    four_option = Counter(q.section for q in day3 if q.source == "original" and q.type in ("choice", "code"))
    for section in range(1, 8):
        assert four_option[section] >= 8, f"Day3 S{section} has {four_option[section]} four-option originals"


def test_a_code_choice_item_for_every_exercise():
    assert {q.exercise for q in questions() if q.type == "code"} == set(load_all())


def test_every_day_has_questions():
    assert {1, 2, 3, 4} <= {q.day for q in questions()}  # and the stages math/ml (quiz.sections.STAGES)


def test_confirmation_tests_have_the_domain_answers():
    conv = by_id()["d3.s0.conv-output-5x5-stride2"]
    assert answers.judge(conv, "3x3").correct
    chain = by_id()["d3.s1.chain-rule-dzdx"]
    assert answers.judge(chain, "2(x+y)").correct and answers.judge(chain, "2*x + 2*y").correct
    sigmoid = by_id()["d3.s2.sigmoid-derivative-max"]
    assert answers.judge(sigmoid, str(sigmoid.answer)).correct
    assert sigmoid.options[sigmoid.answer - 1]["en"].strip() == "0.25"
    forget = by_id()["d3.s2.forget-gate-sentence-text"]
    assert answers.judge(forget, "忘却ゲート").correct and answers.judge(forget, "forget gate").correct
    confirmations = Counter(q.day for q in questions() if q.source == "confirmation")
    assert confirmations[3] >= 12 and confirmations[1] and confirmations[2] and confirmations[4]


def test_errata_are_named_in_the_explanations():
    named = {
        "gradient_clipping": "gradient * rate",
        "lstm": "forget_gate * c",
        "bidirectional": "axis=1",
        "bptt": "bptt_step-1",
        "traverse": "return v",
        "encode": "return h",
    }
    for name, erratum in named.items():
        ex = load_all()[name]
        for lang in ("ja", "en"):
            assert erratum in ex.explanation[lang], f"{name} ({lang}) does not name `{erratum}`"


def test_gru_states_its_convention():
    ex = load_all()["gru"]
    assert ex.right_option.replace(" ", "") == "(1-z)*h+z*h_bar"
    assert "PyTorch" in ex.explanation["en"] and "PyTorch" in ex.explanation["ja"]
