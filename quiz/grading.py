"""Grading by value: run the learner's function in the box, compare with the reference engine.

grade() returns a Verdict and never writes the attempt log; the command that asked records it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from quiz import box, casecache, freshcases, ime, npyio, safetext
from quiz.exercises import Exercise, Misconception

MARKER = re.compile(r"___([^\W\d_][^\W_]*?)___")
# what a learner types for "option 3" (after NFKC: ３ → 3, ③ → 3, ⑶ → (3), （3） → (3))
OPTION = re.compile(r"(?:option|選択肢|no\.?|#)?\s*[(\[]?\s*(\d{1,3})\s*[)\]]?\s*\.?", re.IGNORECASE)


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
    hint: str = ""  # transposed, sign, scaled, ...
    kind: str = "public"  # "public" (the YAML's cases) or "fresh" (drawn for this submission)
    rel_error: float | None = None  # fresh cases: the relative error's order of magnitude (1e-1, ...)
    scale: float | None = None  # hint "scaled": the output is about this times the expected one


@dataclass
class Verdict:
    exercise: str
    item_id: str
    passed: bool
    cases: int  # public and fresh together
    failed: list[CaseResult] = field(default_factory=list)
    reason: str = ""  # why the whole submission failed, when it did not get as far as cases
    error: str = ""
    answer: str | None = None
    misconception: Misconception | None = None
    misconception_by: str = ""  # "answer": the answer is a known wrong one; "error": only its exception matched
    output: str = ""
    seconds: float = 0.0
    isolation: str = ""  # what the box ran under: "namespaces", or "rlimits: <why not>"
    option: int | None = None  # the answer was given as this option number (the answer is its code)
    stray: list[ime.StrayChar] = field(default_factory=list)  # characters Python rejects (reason "load")
    fresh_cases: int = 0  # how many of `cases` were drawn fresh for this submission
    private_seed: int | None = None  # their secret seed: replay(ex, source, seed) grades the same cases

    @property
    def public_cases(self) -> int:
        return self.cases - self.fresh_cases

    @property
    def passed_cases(self) -> int:
        return self.cases - len(self.failed) if not self.reason else 0

    @property
    def passed_fresh(self) -> int:
        return self.fresh_cases - sum(c.kind == "fresh" for c in self.failed) if not self.reason else 0

    @property
    def passed_public(self) -> int:
        return self.passed_cases - self.passed_fresh

    def to_dict(self) -> dict:
        d = asdict(self)
        d["passed_cases"] = self.passed_cases
        d["public_cases"], d["passed_public"] = self.public_cases, self.passed_public
        d["passed_fresh"] = self.passed_fresh
        d["misconception"] = asdict(self.misconception) if self.misconception else None
        return d


class AnswerError(ValueError):
    """An --answer that is not one Python expression."""

    def __init__(self, msg: str, stray: list[ime.StrayChar] | None = None):
        super().__init__(msg)
        self.stray = stray or []


class OptionError(AnswerError):
    """An --answer that is an option number the exercise does not have."""

    def __init__(self, number: int):
        super().__init__(f"no option {number}")
        self.number = number


def option_number(ex: Exercise, answer: str) -> int | None:
    """The option `answer` names by its number (3, ３, (3), ③), or None for an expression.

    An exercise whose options are themselves numbers keeps them as expressions.
    """
    text = normalise_answer(answer)
    if any(normalise_answer(o) == text for o in ex.options):
        return None
    m = OPTION.fullmatch(text)
    if not m:
        return None
    number = int(m.group(1))
    if not 1 <= number <= len(ex.options):
        raise OptionError(number)
    return number


def normalise_answer(text: str) -> str:
    """IME input arrives full-width: NFKC turns ＊ into *, （ into (, and so on."""
    return unicodedata.normalize("NFKC", text).strip()


def fill(ex: Exercise, answer: str) -> str:
    """The template with the blank replaced by `answer` (one expression)."""
    import ast

    answer = normalise_answer(answer)
    try:
        ast.parse(answer, mode="eval")
    except SyntaxError as e:
        raise AnswerError(e.msg, ime.find(answer)[0]) from None
    return ex.template.read_text(encoding="utf-8").replace(ex.marker, f"({answer})")


def unfilled_blanks(source: str) -> list[str]:
    """Labels of blank markers still present in the code (comments and strings ignored)."""
    if not MARKER.search(source):
        return []
    import io
    import tokenize

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
    import ast

    try:
        return ast.dump(ast.parse(normalise_answer(expr), mode="eval").body)
    except SyntaxError:
        return None


def find_misconception(ex: Exercise, answer: str | None, errors: list[str]) -> tuple[Misconception, str] | None:
    """The known mistake and how it was recognised: "answer" (by its syntax tree) or "error" only.

    An "error" match says nothing about the rest of the answer: its feedback is error_feedback.
    """
    key = _shape_key(answer) if answer else None
    if key is not None:
        for m in ex.misconceptions:
            if any(_shape_key(a) == key for a in m.answers):
                return m, "answer"
    for m in ex.misconceptions:
        if m.error and any(m.error in e for e in errors):
            return m, "error"
    return None


def match_misconception(ex: Exercise, answer: str | None, errors: list[str]) -> Misconception | None:
    found = find_misconception(ex, answer, errors)
    return found[0] if found else None


def _name_misconception(verdict: Verdict, ex: Exercise, errors: list[str]) -> None:
    found = find_misconception(ex, verdict.answer, errors)
    if found:
        verdict.misconception, verdict.misconception_by = found


def grade(ex: Exercise, source: str, answer: str | None = None, limits: box.Limits = box.Limits(),
          worker: str | None = None, fresh: casecache.Bundle | None = None) -> Verdict:
    """Grade `source` (a whole file) for exercise `ex`. `answer` is the blank's text when known.

    The public cases and fresh ones: `fresh` (rabbit grade draws them up front; replay() rebuilds
    recorded ones), else the pool's next bundle. `worker`: the socket of a private worker to run
    the box in (rabbit grade).
    """
    if answer is None:
        answer = extract_answer(ex, source)
    n_fresh = freshcases.fresh_count(ex)
    verdict = Verdict(exercise=ex.name, item_id=ex.id, passed=False, cases=len(ex.grading["cases"]) + n_fresh,
                      answer=answer, fresh_cases=n_fresh)
    blanks = unfilled_blanks(source)
    if blanks:
        verdict.reason = "blank"
        verdict.error = blanks[0]
        return verdict
    stray, first_error = ime.find(source)
    if stray:  # the box would only fail to compile it: say which characters, without running it
        verdict.reason = "load"
        verdict.error = first_error
        verdict.stray = stray
        _name_misconception(verdict, ex, [])
        return verdict

    prepared: dict = {}

    def make_payload() -> bytes:
        # called once the child is starting, so a cold cache's numpy work overlaps its start-up;
        # the fresh bundle leaves the pool here, before the box runs
        public = prepared["public"] = casecache.load(ex)
        new = prepared["fresh"] = fresh if fresh is not None else freshcases.draw(ex)
        verdict.private_seed = new.seed
        encoded = source.encode("utf-8")
        frames = b"".join(len(f).to_bytes(8, "little") + f for f in (public.inputs, new.inputs))
        return b"RBT2" + len(encoded).to_bytes(8, "little") + encoded + frames

    run = box.run(make_payload, limits, worker=worker)
    public, new = prepared["public"], prepared["fresh"]
    names = public.case_names + new.case_names
    expected = public.expected + new.expected
    kinds = ["public"] * len(public.case_names) + ["fresh"] * len(new.case_names)
    verdict.output = run.output
    verdict.seconds = run.seconds
    verdict.isolation = run.isolation
    problem = _box_problem(run)
    if problem:
        verdict.reason = problem
        _name_misconception(verdict, ex, [])
        return verdict
    try:
        statuses, actual = _read_result(run.result, len(names), len(public.returns))
    except ValueError:
        verdict.reason = "garbled"
        return verdict
    if len(statuses) == 1 and statuses[0].get("stage") == "load":
        verdict.reason = "load"
        verdict.error = str(statuses[0].get("error", ""))
        _name_misconception(verdict, ex, [verdict.error])
        return verdict
    if len(statuses) != len(names):
        verdict.reason = "garbled"
        return verdict
    rtol = float(ex.grading.get("rtol", 1e-6))
    atol = float(ex.grading.get("atol", 1e-8))
    errors = []
    for i, (case, kind, status, exp) in enumerate(zip(names, kinds, statuses, expected)):
        if not status.get("ok"):
            err = str(status.get("error", ""))
            errors.append(err)
            verdict.failed.append(CaseResult(case, False, "error", error=err, kind=kind))
            continue
        for j, (name, e) in enumerate(zip(public.returns, exp)):
            check = compare if kind == "public" else compare_hidden
            result = check(case, name, e, actual.get(f"c{i}.r{j}"), rtol, atol)
            if result is not None:
                verdict.failed.append(result)
                break
    verdict.passed = not verdict.failed
    if not verdict.passed:
        _name_misconception(verdict, ex, errors)
    return verdict


def replay(ex: Exercise, source: str, seed: int | str, answer: str | None = None, **kw) -> Verdict:
    """Grade again on the fresh cases of a recorded `private_seed` (an int, or the hex of rabbit
    grade --csv): the same verdict, reproduced."""
    seed = int(seed, 0) if isinstance(seed, str) else int(seed)
    return grade(ex, source, answer, fresh=freshcases.compute(ex, seed), **kw)


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


class GarbledFrame(ValueError):
    """A result frame that does not decode: the submission fails with reason `garbled`."""


MAX_CASES, MAX_RETURNS = 64, 8
STATUS_BYTES = 256 * 1024  # five cases of 2,000-character errors, escaped, with room to spare
_OUTPUT_NAME = re.compile(r"c(\d{1,2})\.r(\d)")
_STATUS_KEYS = {True: {"ok"}, False: {"ok", "stage", "error"}}


def _read_result(frame: bytes | None, cases: int | None = None, returns: int | None = None) -> tuple[list[dict], dict]:
    """The box's result frame as (statuses, arrays), or GarbledFrame; nothing else ever escapes.

    Read strictly and within bounds (see npyio.read_npz): `__status__` (uint8, a JSON list of
    one flat object per case, or a single load failure) and float64 outputs `c{i}.r{j}` for
    i < `cases` and j < `returns`, each at most once. Error text is made harmless to show here,
    where it enters rabbit. `cases`/`returns` default to generous bounds when not known.
    """
    try:
        return _decode_result(frame or b"", cases, returns)
    except GarbledFrame:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the bytes do, the verdict is "garbled"
        raise GarbledFrame(safetext.clean(f"{type(e).__name__}: {e}"[:200], multiline=False)) from None


def _decode_result(frame: bytes, cases: int | None, returns: int | None) -> tuple[list[dict], dict]:
    max_cases = MAX_CASES if cases is None else cases
    max_returns = MAX_RETURNS if returns is None else returns

    def expected(name: str) -> bool:
        m = _OUTPUT_NAME.fullmatch(name)
        return name == "__status__" or (m is not None and int(m[1]) < max_cases and int(m[2]) < max_returns
                                        and m[0] == f"c{int(m[1])}.r{int(m[2])}")

    try:
        arrays = npyio.read_npz(frame, names=expected, max_entries=1 + max_cases * max_returns)
        status = arrays.pop("__status__", None)
        if status is None or status.data.typecode != "B" or len(status.shape) != 1:
            raise GarbledFrame("no status")
        statuses = npyio.loads_json(npyio.to_bytes(status), STATUS_BYTES, max_depth=2)
    except npyio.FrameError as e:
        raise GarbledFrame(safetext.clean(str(e), multiline=False)) from None
    if not isinstance(statuses, list) or not statuses:
        raise GarbledFrame("the status is not a list")
    clean = [_status(s) for s in statuses]
    load_failed = len(clean) == 1 and clean[0].get("stage") == "load"
    if any(s.get("stage") == "load" for s in clean) and not (load_failed and not arrays):
        raise GarbledFrame("a load failure among other results")
    if not load_failed and len(clean) != max_cases and cases is not None:
        raise GarbledFrame(f"{len(clean)} statuses for {cases} cases")
    for name, arr in arrays.items():
        i = int(_OUTPUT_NAME.fullmatch(name)[1])
        if arr.data.typecode != "d":
            raise GarbledFrame(f"{name} is not a float64 array")
        if i >= len(clean):  # a failed case may have some (the harness stops at the bad value)
            raise GarbledFrame(f"{name} belongs to no case")
    return clean, arrays


def _status(s) -> dict:
    """One case's status, exactly as the harness writes it, with its error text made harmless."""
    if not isinstance(s, dict) or not isinstance(s.get("ok"), bool) or set(s) != _STATUS_KEYS[s["ok"]]:
        raise GarbledFrame("a status the harness does not write")
    if s["ok"]:
        return {"ok": True}
    if s["stage"] not in ("load", "call") or not isinstance(s["error"], str):
        raise GarbledFrame("a status the harness does not write")
    return {"ok": False, "stage": s["stage"], "error": safetext.clean(s["error"])}


def _index(flat: int, shape: tuple[int, ...]) -> list[int]:
    out = []
    for n in reversed(shape):
        out.append(flat % n if n else 0)
        flat = flat // n if n else 0
    return list(reversed(out))


def compare(case: str, name: str, expected: npyio.Arr, actual: npyio.Arr | None, rtol: float, atol: float) -> CaseResult | None:
    """None when `actual` matches (np.allclose semantics); otherwise what differs, for feedback."""
    res = CaseResult(case, False, output=name, expected_shape=list(expected.shape))
    if actual is None:
        res.reason = "missing"
        return res
    res.actual_shape = list(actual.shape)
    if actual.shape != expected.shape:
        res.reason = "shape"
        if actual.shape == expected.shape[::-1]:
            res.hint = "transposed"
        return res
    worst, worst_at, bad_sign = -1.0, -1, True
    for k, (a, e) in enumerate(zip(actual.data, expected.data)):
        if not math.isfinite(a):
            res.reason = "nonfinite"
            res.where = _index(k, actual.shape)
            res.actual_value = a
            return res
        diff = abs(a - e)
        if diff > atol + rtol * abs(e) and diff > worst:
            worst, worst_at = diff, k
        if abs(a + e) > atol + rtol * abs(e):
            bad_sign = False
    if worst_at < 0:
        return None
    res.reason = "mismatch"
    res.max_diff = max(abs(a - e) for a, e in zip(actual.data, expected.data))
    res.where = _index(worst_at, actual.shape)
    res.expected_value = expected.data[worst_at]
    res.actual_value = actual.data[worst_at]
    if bad_sign:
        res.hint = "sign"
    elif _is_transpose(expected, actual, rtol, atol):
        res.hint = "transposed"
    return res


def _is_transpose(expected: npyio.Arr, actual: npyio.Arr, rtol: float, atol: float) -> bool:
    shape = expected.shape
    if len(shape) < 2 or shape[-1] != shape[-2]:
        return False
    n = shape[-1]
    block = n * n
    for base in range(0, len(expected.data), block):
        for r in range(n):
            for c in range(n):
                a = actual.data[base + r * n + c]
                e = expected.data[base + c * n + r]
                if abs(a - e) > atol + rtol * abs(e):
                    return False
    return True


def compare_hidden(case: str, name: str, expected: npyio.Arr, actual: npyio.Arr | None, rtol: float,
                   atol: float) -> CaseResult | None:
    """compare() for a fresh case: what is wrong and by how much, never an expected number.

    Kept: which output, the shapes (the dims are public), NaN/inf in the learner's own values,
    transposed, sign flipped, scaled by a constant (to two digits), and the relative error's order
    of magnitude. Dropped: where the worst element is, its expected and actual values, the diff.
    """
    res = compare(case, name, expected, actual, rtol, atol)
    if res is None:
        return None
    res.kind = "fresh"
    if res.reason != "mismatch":
        return res
    a, e = actual.data, expected.data
    norm_e = math.sqrt(math.fsum(x * x for x in e))
    norm_d = math.sqrt(math.fsum((x - y) ** 2 for x, y in zip(a, e)))
    res.rel_error = 10.0 ** round(math.log10(norm_d / norm_e)) if norm_e > 0 and norm_d > 0 else None
    if not res.hint and norm_e > 0:
        k = math.fsum(x * y for x, y in zip(a, e)) / norm_e**2
        if abs(k - 1) > 1e-3 and all(abs(x - k * y) <= atol + rtol * abs(k * y) for x, y in zip(a, e)):
            res.hint, res.scale = "scaled", float(f"{k:.2g}")
    res.max_diff = res.where = res.expected_value = res.actual_value = None
    return res
