"""How each question type's answer is judged (quiz.answers.judge), on hand-built Question items.

The questions are built here, not loaded from the bank, so these tests pin the judging rules
themselves and do not move when bank content changes.
"""

import builtins
import subprocess
import sys
import textwrap
import time

import pytest

from quiz import answers, exprs
from quiz.answers import judge, self_grade
from quiz.bank import Question

T = {"ja": "問", "en": "Q"}


def make(qtype, **kw):
    return Question(id=f"t.{qtype}", day=3, section=1, type=qtype, source="original",
                    prompt=T, explanation=T, **kw)


def opts(n):
    return tuple({"ja": f"選択肢{i}", "en": f"option {i}"} for i in range(1, n + 1))


def assert_correct(j, text=""):
    assert j.invalid == "", f"{text!r} should be read, got invalid={j.invalid!r}"
    assert j.correct is True, f"{text!r} should be correct: {j}"


def assert_wrong(j, text=""):
    assert j.invalid == "", f"{text!r} should be read, got invalid={j.invalid!r}"
    assert j.correct is False, f"{text!r} should be wrong: {j}"


def assert_invalid(j, text=""):
    assert j.invalid, f"{text!r} should be re-asked (invalid), got {j}"
    assert j.correct is None, f"an invalid answer must not be counted: {text!r} → {j}"
    assert not j.pending


# --- choice -------------------------------------------------------------------------------

CHOICE = make("choice", options=opts(4), answer=2)


@pytest.mark.parametrize("text", ["2", "２", " 2 ", "b", "B", "(2)", "（２）"])
def test_choice_forms_of_the_right_option(text):
    j = judge(CHOICE, text)
    assert_correct(j, text)
    assert j.answer == "2"


@pytest.mark.parametrize("text", ["5", "0", "x", "", "   ", "2 3", "two"])
def test_choice_unreadable_is_reasked_not_counted(text):
    assert_invalid(judge(CHOICE, text), text)


@pytest.mark.parametrize("text", ["1", "3", "４", "d"])
def test_choice_wrong_option(text):
    assert_wrong(judge(CHOICE, text), text)


# --- multi --------------------------------------------------------------------------------

MULTI = make("multi", options=opts(5), answer=[1, 3])


@pytest.mark.parametrize("text", ["1 3", "1,3", "1、3", "３　１", "13", "3 1", "1, 3", "a c"])
def test_multi_forms_of_the_right_set(text):
    j = judge(MULTI, text)
    assert_correct(j, text)
    assert j.answer == "1 3"


@pytest.mark.parametrize("text", ["1", "3", "1 2 3", "1 3 5", "2 4", "123"])
def test_multi_subset_or_superset_is_wrong(text):
    assert_wrong(judge(MULTI, text), text)


@pytest.mark.parametrize("text", ["1 9", "19", "1 x", "", "0 1"])
def test_multi_unreadable_is_reasked(text):
    assert_invalid(judge(MULTI, text), text)


# --- numeric ------------------------------------------------------------------------------

QUARTER = make("numeric", answer=0.25)


@pytest.mark.parametrize("text", ["0.25", "０．２５", "1/4", ".25", " 0.25 ", "2^-2", "2**-2"])
def test_numeric_scalar_forms(text):
    assert_correct(judge(QUARTER, text), text)


@pytest.mark.parametrize("text", ["0.3", "0.2500001", "1/3", "-0.25"])
def test_numeric_scalar_wrong(text):
    assert_wrong(judge(QUARTER, text), text)


@pytest.mark.parametrize("text", ["abc", "", "x/4", "__import__('os')"])
def test_numeric_scalar_unreadable(text):
    assert_invalid(judge(QUARTER, text), text)


def test_numeric_default_tolerance_is_tight():
    assert_correct(judge(QUARTER, "0.2500000000001"))
    assert_wrong(judge(QUARTER, "0.2501"))


def test_numeric_tolerance_respected():
    q = make("numeric", answer=0.25, tolerance=0.01)
    for text in ("0.25", "0.255", "0.245", "0.259", "0.241", "1/4"):
        assert_correct(judge(q, text), text)
    for text in ("0.27", "0.23", "0.3"):
        assert_wrong(judge(q, text), text)


SHAPE = make("numeric", answer=[3, 3])


@pytest.mark.parametrize("text", ["3x3", "3×3", "３×３", "(3, 3)", "3,3", "3 3", "[3, 3]", "3 x 3", "3*3"])
def test_numeric_shape_forms(text):
    j = judge(SHAPE, text)
    assert_correct(j, text)
    assert j.answer == "3×3"


@pytest.mark.parametrize("text", ["3x4", "3", "4x3", "3x3x3"])
def test_numeric_shape_wrong(text):
    assert_wrong(judge(SHAPE, text), text)


@pytest.mark.parametrize("text", ["axb", "3xq", ""])
def test_numeric_shape_unreadable(text):
    assert_invalid(judge(SHAPE, text), text)


def test_numeric_shape_order_matters():
    q = make("numeric", answer=[2, 5])
    assert_correct(judge(q, "2x5"))
    assert_wrong(judge(q, "5x2"))


# --- text ---------------------------------------------------------------------------------

GATE = make("text", accept=("忘却ゲート", "forget gate"))


@pytest.mark.parametrize("text", ["忘却ゲート", "Forget Gate", "forget_gate", "ＦＯＲＧＥＴ　ＧＡＴＥ",
                                  "forgetgate", " forget gate ", "FORGET-GATE"])
def test_text_accepted_forms(text):
    assert_correct(judge(GATE, text), text)


@pytest.mark.parametrize("text", ["入力ゲート", "input gate", "forget", "gate", "忘却"])
def test_text_wrong(text):
    assert_wrong(judge(GATE, text), text)


def test_text_empty_is_reasked():
    assert_invalid(judge(GATE, ""))


# --- expr ---------------------------------------------------------------------------------

EXPR = make("expr", answer="2*(x + y)", variables=("x", "y"))


@pytest.mark.parametrize("text", ["2(x+y)", "2*x + 2*y", "2*(y+x)", "2x+2y", "２（ｘ＋ｙ）", "(x+y)*2",
                                  "dz/dx = 2(x+y)", "2 * (x + y)", "x+y+x+y", "(x+y)2"])
def test_expr_equivalent_forms(text):
    assert_correct(judge(EXPR, text), text)


@pytest.mark.parametrize("text", ["x+y", "2*x*y", "2(x-y)", "2x+y", "2", "4(x+y)/3"])
def test_expr_wrong(text):
    assert_wrong(judge(EXPR, text), text)


HOSTILE = ["2t", "__import__('os').system('echo hi')", "x.__class__", "[x]", "lambda: 1",
           "x if x else y", "(x := 1)", "x + y; 1", "open('f')", "eval('1')", "x[0]", "'2'*3",
           "{x}", "x < y", "f(x)"]


@pytest.mark.parametrize("text", HOSTILE)
def test_expr_non_arithmetic_is_invalid_and_never_evaluated(text, monkeypatch):
    calls = []
    real = exprs.evaluate
    monkeypatch.setattr(exprs, "evaluate", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert_invalid(judge(EXPR, text), text)
    assert not calls, f"{text!r} reached the evaluator"


def test_expr_hostile_text_has_no_side_effect(tmp_path, capfd):
    target = tmp_path / "pwned"
    attempts = [
        f"open({str(target)!r}, 'w')",
        f"__import__('pathlib').Path({str(target)!r}).touch()",
        f"__import__('os').system('touch {target}')",
        f"exec(\"open({str(target)!r}, 'w')\")",
        f"2*(x+y) + 0*len(open({str(target)!r}, 'w').name)",
        "__import__('os').system('echo hi')",
    ]
    for text in attempts:
        assert_invalid(judge(EXPR, text), text)
    assert not target.exists(), "learner text was executed"
    out, err = capfd.readouterr()
    assert "hi" not in out and "hi" not in err


def test_expr_huge_power_finishes_fast_and_is_not_correct():
    # in a child, so a regression that hangs fails this test instead of hanging the suite
    code = textwrap.dedent("""
        from quiz.answers import judge
        from quiz.bank import Question
        q = Question(id="t", day=3, section=1, type="expr", source="original", prompt={}, explanation={},
                     answer="2*(x + y)", variables=("x", "y"))
        for text in ("9**9**9", "9^9^9", "(x+y)**10**10", "2*(x+y) + 0*9**9**9"):
            j = judge(q, text)
            print(text, j.correct, bool(j.invalid))
    """)
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("judging a huge power hung")
    elapsed = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 4, done.stdout
    for line in lines:
        assert not line.split()[1] == "True", f"a huge power was judged correct: {line}"
    assert elapsed < 10, f"took {elapsed:.1f}s"


def test_expr_huge_power_in_process_is_fast():
    start = time.monotonic()
    j = judge(EXPR, "9**9**9")
    assert time.monotonic() - start < 2
    assert j.correct is not True


def test_expr_judging_never_calls_eval_or_exec(monkeypatch):
    def forbidden(*a, **k):
        raise AssertionError("eval/exec called on learner text")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert_correct(judge(EXPR, "2(x+y)"))
    assert_correct(judge(EXPR, "２（ｘ＋ｙ）"))
    assert_wrong(judge(EXPR, "x+y"))
    assert_invalid(judge(EXPR, "__import__('os').system('echo hi')"))
    assert_correct(judge(QUARTER, "1/4"))


def test_expr_with_functions_and_powers():
    q = make("expr", answer="exp(x)*(1 - tanh(y)^2)", variables=("x", "y"))
    assert_correct(judge(q, "exp(x) * (1 - tanh(y)**2)"))
    assert_wrong(judge(q, "exp(x) * (1 - tanh(y))"))


# --- describe -----------------------------------------------------------------------------

DESCRIBE = make(
    "describe",
    model_answer={"ja": "模範解答", "en": "model answer"},
    key_points=(
        {"ja": "勾配消失", "en": "vanishing gradient", "keywords": ["勾配消失", "vanishing"]},
        {"ja": "LSTM", "en": "LSTM", "keywords": ["LSTM", "ゲート"]},
        {"ja": "勾配クリッピング", "en": "gradient clipping", "keywords": ["clipping", "クリッピング"]},
    ),
)


def test_describe_is_pending_with_hits():
    j = judge(DESCRIBE, "系列が長いと勾配消失が起きるので、LSTMを使う")
    assert j.pending is True
    assert j.correct is None and j.invalid == ""
    assert j.hits == [0, 1]


@pytest.mark.parametrize("text,hits", [
    ("ｌｓｔｍ で解決", [1]),              # full-width letters, lower case
    ("VANISHING gradients", [0]),          # case-insensitive
    ("Ｃｌｉｐｐｉｎｇ と ゲート", [1, 2]),
    ("ｸﾘｯﾋﾟﾝｸﾞ", [2]),                      # half-width katakana → NFKC
    ("何も関係ない", []),
])
def test_describe_hits_normalised(text, hits):
    j = judge(DESCRIBE, text)
    assert j.pending is True
    assert j.hits == hits


def test_describe_empty_is_reasked():
    assert_invalid(judge(DESCRIBE, ""))


@pytest.mark.parametrize("text", ["y", "yes", "はい", "ｙ", "Y", "YES", " y "])
def test_self_grade_yes(text):
    assert self_grade(text) is True


@pytest.mark.parametrize("text", ["n", "no", "いいえ", "ｎ", "N"])
def test_self_grade_no(text):
    assert self_grade(text) is False


@pytest.mark.parametrize("text", ["", "maybe", "yeah?", "2", "たぶん"])
def test_self_grade_other_is_none(text):
    assert self_grade(text) is None


# --- code ---------------------------------------------------------------------------------

CODE = make("code", exercise="lstm")


def test_code_item_judged_against_the_exercise_answer():
    assert_correct(judge(CODE, "3", right_option=3))
    assert_correct(judge(CODE, "３", right_option=3))
    assert_correct(judge(CODE, "c", right_option=3))
    assert_wrong(judge(CODE, "1", right_option=3))
    assert_invalid(judge(CODE, "7", right_option=3))
    assert_invalid(judge(CODE, "", right_option=3))


def test_unknown_type_is_an_error():
    with pytest.raises(ValueError):
        judge(make("essay"), "anything")


def test_nfkc_maps_wave_dash():
    assert answers.nfkc(" 〜１ ") == "~1"
