"""Grading by value: run the learner's function in the box, compare with the reference engine.

grade() returns a Verdict and never writes the attempt log; the command that asked records it.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
import unicodedata
from dataclasses import asdict, dataclass, field

from quiz import box
from quiz.exercises import Exercise, Misconception

MARKER = re.compile(r"___([^\W\d_][^\W_]*?)___")


@dataclass
class CaseResult:
    name: str
    passed: bool
    reason: str = ""  # a code from quiz.messages: shape, mismatch, nonfinite, error, ...
    output: str = ""  # which returned value (c, h, dW, ...)
    expected_shape: list | None = None
    actual_shape: list | None = None
    max_diff: float | None = None
    where: list | None = None
    expected_value: float | None = None
    actual_value: float | None = None
    error: str = ""
    hint: str = ""  # transposed, sign, ...


@dataclass
class Verdict:
    exercise: str
    item_id: str
    passed: bool
    cases: int
    failed: list[CaseResult] = field(default_factory=list)
    reason: str = ""  # why the whole submission failed, when it did not get as far as cases
    error: str = ""
    answer: str | None = None
    misconception: Misconception | None = None
    output: str = ""
    seconds: float = 0.0

    @property
    def passed_cases(self) -> int:
        return self.cases - len(self.failed) if not self.reason else 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["passed_cases"] = self.passed_cases
        d["misconception"] = asdict(self.misconception) if self.misconception else None
        return d


class AnswerError(ValueError):
    """An --answer that is not one Python expression."""


def normalise_answer(text: str) -> str:
    """IME input arrives full-width: NFKC turns ＊ into *, （ into (, and so on."""
    return unicodedata.normalize("NFKC", text).strip()


def fill(ex: Exercise, answer: str) -> str:
    """The template with the blank replaced by `answer` (one expression)."""
    answer = normalise_answer(answer)
    try:
        ast.parse(answer, mode="eval")
    except SyntaxError as e:
        raise AnswerError(e.msg) from None
    return ex.template.read_text(encoding="utf-8").replace(ex.marker, f"({answer})")


def unfilled_blanks(source: str) -> list[str]:
    """Labels of blank markers still present in the code (comments and strings ignored)."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NAME:
                m = MARKER.fullmatch(tok.string)
                if m:
                    found.append(m.group(1))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        code = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
        found = MARKER.findall(code)
    return found


def extract_answer(ex: Exercise, source: str) -> str | None:
    """What the learner wrote in place of the blank, found by the template line around it."""
    for line in ex.template.read_text(encoding="utf-8").splitlines():
        if ex.marker not in line:
            continue
        code = line.split("#", 1)[0] if "#" in line.split(ex.marker, 1)[1] else line
        prefix, suffix = (part.strip() for part in code.split(ex.marker, 1))
        for candidate in source.splitlines():
            c = candidate.split("  #", 1)[0].strip() if suffix == "" else candidate.strip()
            if c.startswith(prefix) and c.endswith(suffix) and len(c) > len(prefix) + len(suffix):
                return c[len(prefix) : len(c) - len(suffix) if suffix else None].strip()
    return None


def _shape_key(expr: str) -> str | None:
    try:
        return ast.dump(ast.parse(normalise_answer(expr), mode="eval").body)
    except SyntaxError:
        return None


def strip_parens(expr: str) -> str:
    return expr.strip()


def match_misconception(ex: Exercise, answer: str | None, errors: list[str]) -> Misconception | None:
    key = _shape_key(answer) if answer else None
    if key is not None:
        for m in ex.misconceptions:
            if any(_shape_key(a) == key for a in m.answers):
                return m
    for m in ex.misconceptions:
        if m.error and any(m.error in e for e in errors):
            return m
    return None


def grade(ex: Exercise, source: str, answer: str | None = None, limits: box.Limits = box.Limits()) -> Verdict:
    """Grade `source` (a whole file) for exercise `ex`. `answer` is the blank's text when known."""
    if answer is None:
        answer = extract_answer(ex, source)
    verdict = Verdict(exercise=ex.name, item_id=ex.id, passed=False, cases=len(ex.grading["cases"]), answer=answer)
    blanks = unfilled_blanks(source)
    if blanks:
        verdict.reason = "blank"
        verdict.error = blanks[0]
        return verdict

    prepared = {}

    def make_payload() -> bytes:
        from quiz import cases as casemod  # numpy: imported while the child starts

        prepared["cases"] = casemod.build_cases(ex)
        prepared["module"] = casemod
        return casemod.payload(ex, prepared["cases"], source)

    run = box.run(make_payload, limits)
    verdict.output = run.output
    verdict.seconds = run.seconds
    casemod = prepared["module"]
    case_list = prepared["cases"]
    problem = _box_problem(run)
    if problem:
        verdict.reason = problem
        verdict.misconception = match_misconception(ex, answer, [])
        return verdict
    try:
        statuses, actual = _read_result(run.result, casemod)
    except ValueError:
        verdict.reason = "garbled"
        return verdict
    if len(statuses) == 1 and statuses[0].get("stage") == "load":
        verdict.reason = "load"
        verdict.error = str(statuses[0].get("error", ""))
        verdict.misconception = match_misconception(ex, answer, [verdict.error])
        return verdict
    if len(statuses) != len(case_list):
        verdict.reason = "garbled"
        return verdict
    expected = casemod.expected(ex, case_list)
    names = casemod.returns(ex)
    rtol = float(ex.grading.get("rtol", 1e-6))
    atol = float(ex.grading.get("atol", 1e-8))
    errors = []
    for i, (case, status, exp) in enumerate(zip(case_list, statuses, expected)):
        if not status.get("ok"):
            err = str(status.get("error", ""))
            errors.append(err)
            verdict.failed.append(CaseResult(case.name, False, "error", error=err))
            continue
        for j, (name, e) in enumerate(zip(names, exp)):
            a = actual.get(f"c{i}.r{j}")
            result = compare(case.name, name, e, a, rtol, atol, casemod.np)
            if result is not None:
                verdict.failed.append(result)
                break
    verdict.passed = not verdict.failed
    if not verdict.passed:
        verdict.misconception = match_misconception(ex, answer, errors)
    return verdict


def _box_problem(run: box.BoxRun) -> str:
    if run.timed_out:
        return "timeout"
    if run.result_too_large:
        return "too_large"
    if run.output_flood:
        return "output_limit"
    if run.result is None:
        if run.signal_name in ("SIGXCPU", "SIGKILL"):
            return "cpu"
        if run.signal_name == "SIGXFSZ":
            return "output_limit"
        if "MemoryError" in run.output:
            return "memory"
        return "no_result"
    return ""


def _read_result(frame: bytes | None, casemod) -> tuple[list[dict], dict]:
    np = casemod.np
    try:
        with np.load(io.BytesIO(frame or b""), allow_pickle=False) as data:
            statuses = json.loads(bytes(data["__status__"]).decode())
            arrays = {k: data[k] for k in data.files if k != "__status__"}
    except Exception as e:  # any malformed frame is the submission's failure, not ours
        raise ValueError(str(e)) from None
    if not isinstance(statuses, list) or not all(isinstance(s, dict) for s in statuses):
        raise ValueError("status is not a list")
    for k, v in arrays.items():
        if not isinstance(v, np.ndarray) or v.dtype != np.float64:
            raise ValueError(f"{k} is not a float64 array")
    return statuses, arrays


def compare(case: str, name: str, expected, actual, rtol: float, atol: float, np) -> CaseResult | None:
    """None when `actual` matches; otherwise what differs, for feedback."""
    res = CaseResult(case, False, output=name, expected_shape=list(expected.shape))
    if actual is None:
        res.reason = "missing"
        return res
    actual = np.asarray(actual, dtype=np.float64)
    res.actual_shape = list(actual.shape)
    if actual.shape != expected.shape:
        res.reason = "shape"
        if actual.shape == expected.shape[::-1]:
            res.hint = "transposed"
        return res
    if not np.all(np.isfinite(actual)):
        res.reason = "nonfinite"
        bad = np.argwhere(~np.isfinite(actual))[0]
        res.where = [int(i) for i in bad]
        res.actual_value = float(actual[tuple(bad)])
        return res
    if np.allclose(actual, expected, rtol=rtol, atol=atol):
        return None
    diff = np.abs(actual - expected)
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    res.reason = "mismatch"
    res.max_diff = float(diff[idx])
    res.where = [int(i) for i in idx]
    res.expected_value = float(expected[idx])
    res.actual_value = float(actual[idx])
    if np.allclose(actual, -expected, rtol=rtol, atol=atol):
        res.hint = "sign"
    elif expected.ndim >= 2 and expected.shape[-1] == expected.shape[-2] and np.allclose(
        actual, np.swapaxes(expected, -1, -2), rtol=rtol, atol=atol
    ):
        res.hint = "transposed"
    return res
