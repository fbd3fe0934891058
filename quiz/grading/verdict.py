"""What grading returns: a Verdict for the submission, a CaseResult per failed case, and the
reasons they give (str enums: in JSON, CSV and the attempt log they are the same plain strings,
and each is the key of its message, reason_<value>).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from quiz.exercises import Misconception
from quiz.grading.ime import StrayChar


class Reason(StrEnum):
    """Why a whole submission failed before (or instead of) its cases were compared."""

    BLANK = "blank"  # a blank marker is still in the code
    LOAD = "load"  # the code does not compile or import
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"  # the result frame is over its size limit
    OUTPUT_LIMIT = "output_limit"  # printed (or wrote) too much
    CPU = "cpu"
    MEMORY = "memory"
    NO_RESULT = "no_result"  # the box ended without writing a result
    GARBLED = "garbled"  # a result frame the harness does not write


class CaseReason(StrEnum):
    """Why one case failed."""

    ERROR = "error"  # the learner's function raised
    MISSING = "missing"  # an output was not returned
    SHAPE = "shape"
    NONFINITE = "nonfinite"
    MISMATCH = "mismatch"


@dataclass
class CaseResult:
    name: str
    passed: bool
    reason: str = ""  # a CaseReason: error, missing, shape, nonfinite, mismatch
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
    reason: str = ""  # a Reason: why the whole submission failed, when it did not get as far as cases
    error: str = ""
    answer: str | None = None  # one blank: its text; several: LABEL=EXPR for each, "; " between
    answers: dict = field(default_factory=dict)  # label → the learner's text for that blank (as found)
    # several blanks and a failure: label → {"passed", "misconception", "by"}, that blank graded
    # alone (the others set to the reference): which blank is wrong, stated, not guessed
    by_blank: dict = field(default_factory=dict)
    misconception: Misconception | None = None
    misconception_by: str = ""  # "answer": the answer is a known wrong one; "error": only its exception matched
    output: str = ""
    seconds: float = 0.0
    isolation: str = ""  # what the box ran under: "namespaces", or "rlimits: <why not>"
    option: int | None = None  # the answer was given as this option number (the answer is its code)
    stray: list[StrayChar] = field(default_factory=list)  # characters Python rejects (reason "load")
    fresh_cases: int = 0  # how many of `cases` were drawn fresh for this submission
    private_seed: int | None = None  # their secret seed: replay(ex, source, seed) grades the same cases

    @property
    def wrong_blanks(self) -> list[str]:
        return [label for label, b in self.by_blank.items() if not b["passed"]]

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

