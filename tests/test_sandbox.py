"""Submitted code runs in a child process and nothing it does turns a failure into a pass."""

import os
import time

import pytest

from quiz import grading
from quiz.grading import box, launch
from quiz.exercises import load_all


def lstm():
    """The lstm exercise, loaded on first use inside a test (under that test's RABBIT_HOME)."""
    return load_all()["lstm"]


RIGHT = "input_gate * a + forget_gate * prev_c"


@pytest.fixture(autouse=True, params=["cold", "warm"])
def box_mode(request):
    """Every test runs twice: a fresh `python -I` child, and a child forked by the warm worker."""
    if request.param == "warm":
        request.getfixturevalue("shared_warm_worker")
    return request.param


def grade_answer(answer):
    start = time.monotonic()
    verdict = grading.grade(lstm(), grading.fill(lstm(), answer), answer=answer)
    return verdict, time.monotonic() - start


def grade_source(source):
    return grading.grade(lstm(), source)


def with_prelude(prelude):
    """The right answer, preceded at module level by hostile code."""
    return prelude + "\n" + grading.fill(lstm(), RIGHT)


def test_right_answer_passes_in_the_box():
    verdict, _ = grade_answer(RIGHT)
    assert verdict.passed


def test_code_does_not_run_in_the_rabbit_process(tmp_path):
    marker = tmp_path / "ran-here"
    # if the submission were exec'd in this process, this global would be set here
    verdict, _ = grade_answer(f"(globals().__setitem__('RABBIT_PWNED', 1), {RIGHT})[1]")
    assert verdict.passed
    assert "RABBIT_PWNED" not in globals()
    assert os.getpid() != 0 and not marker.exists()


@pytest.mark.parametrize("answer, reasons", [
    ("[0 for _ in iter(int, 1)]", {"cpu", "timeout"}),
    ("__import__('time').sleep(60)", {"timeout"}),
    ("print('x' * 10**8)", {"output_limit"}),
    ("__import__('os')._exit(0)", {"no_result"}),
])
def test_hostile_calls_fail_with_a_reason_within_seconds(answer, reasons):
    verdict, seconds = grade_answer(answer)
    assert not verdict.passed
    assert verdict.reason in reasons
    assert seconds < 10


def test_memory_bomb_fails():
    verdict, seconds = grade_answer("bytearray(8 * 1024**3)")
    assert not verdict.passed and seconds < 10
    assert "MemoryError" in verdict.failed[0].error


def test_sys_exit_zero_is_a_failure_not_a_pass():
    verdict, _ = grade_answer("__import__('sys').exit(0)")
    assert not verdict.passed
    assert all("SystemExit" in c.error for c in verdict.failed)
    verdict = grade_source(with_prelude("import sys\nsys.exit(0)"))
    assert not verdict.passed and verdict.reason == "load"


def test_monkeypatching_numpy_in_the_child_cannot_fake_a_pass():
    wrong = "output_gate * a + forget_gate * prev_c"
    prelude = (
        "import numpy\n"
        "numpy.allclose = lambda *a, **k: True\n"
        "numpy.array_equal = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
    )
    source = prelude + grading.fill(lstm(), wrong)
    assert not grade_source(source).passed


def test_lying_objects_are_not_accepted():
    prelude = (
        "class Liar(float):\n"
        "    def __eq__(self, other): return True\n"
        "    __array_priority__ = 1000\n"
    )
    source = prelude + grading.fill(lstm(), "Liar(0.0)")
    verdict = grade_source(source)
    assert not verdict.passed


def test_nan_output_fails_with_nonfinite():
    verdict, _ = grade_answer("a * float('nan')")
    assert not verdict.passed and verdict.failed[0].reason == "nonfinite"


def test_syntax_error_is_reported_with_its_line():
    source = grading.fill(lstm(), RIGHT).replace("h = output_gate", "h = = output_gate")
    verdict = grade_source(source)
    assert verdict.reason == "load" and "SyntaxError" in verdict.error and "line" in verdict.error


def test_learner_traceback_is_trimmed_to_their_own_lines():
    verdict, _ = grade_answer("forget_gate * c")
    err = verdict.failed[0].error
    assert "submission" not in err.lower() or "line" in err
    assert "harness" not in err and "<string>" not in err
    assert "UnboundLocalError" in err or "NameError" in err


def test_garbled_or_oversized_result_is_a_failure():
    # the child writes its own junk to the result pipe and exits before the harness can
    prelude = (
        "import os\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        os.write(fd, b'PK\\x03\\x04 not really a zip')\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    )
    verdict = grade_source(with_prelude(prelude))
    assert not verdict.passed and verdict.reason in ("garbled", "no_result")


def test_result_size_cap():
    run = box.run(b"", box.Limits(result_bytes=10))
    assert run.result is None


def test_environment_is_clean_and_single_threaded():
    answer = ("(print(sorted(__import__('os').environ)), print(__import__('os').getcwd()), " + RIGHT + ")[-1]")
    verdict, _ = grade_answer(answer)
    assert verdict.passed
    assert "RABBIT_HOME" not in verdict.output
    assert "OPENBLAS_NUM_THREADS" in verdict.output
    assert "rabbit-box-" in verdict.output



@pytest.mark.parametrize("box_mode", ["cold"], indirect=True)
def test_a_broken_worker_is_the_machine_s_error_not_a_failed_submission(box_mode, tmp_path, monkeypatch):
    broken = tmp_path / "harness.py"
    broken.write_text("def main(:\n", encoding="utf-8")
    monkeypatch.setattr(launch, "HARNESS_PATH", broken)
    with pytest.raises(box.BoxError, match="SyntaxError"):
        grading.grade(lstm(), grading.fill(lstm(), RIGHT))


def test_every_box_reports_the_isolation_it_ran_under():
    verdict, _ = grade_answer(RIGHT)
    report = box.isolation_report()
    assert verdict.isolation == ("namespaces" if report["active"] else f"rlimits: {report['detail']}")
