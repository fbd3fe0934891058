"""Bank problems: what is wrong, where (file, line, field), collected so all are reported at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LANGS = ("ja", "en")


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class BankError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def require(ok: bool, problems: list[Problem], path: Path, line: int, field: str, message: str) -> bool:
    if not ok:
        problems.append(Problem(path, line, field, message))
    return ok


def check_text(value, problems: list[Problem], path: Path, line: int, field: str) -> None:
    """A learner-facing text: a mapping with a non-empty string for every language."""
    line = getattr(value, "line", line)
    if not isinstance(value, dict):
        problems.append(Problem(path, line, field, "expected a mapping with ja and en texts"))
        return
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(path, line, f"{field}.{lang}", f"missing {lang} text"))
    for key in value:
        if key not in LANGS and key != "keywords":
            problems.append(Problem(path, line, f"{field}.{key}", "unknown language; expected ja and en"))
