"""The blank and the learner's answer to it: fill the template with an answer, find blanks still
unfilled, extract what was written in place of the blank, read an answer given as an option
number.
"""

from __future__ import annotations

import re

from quiz.exercises import Exercise
from quiz.grading.ime import StrayChar
from quiz.grading.ime import find as find_stray

MARKER = re.compile(r"___([^\W\d_][^\W_]*?)___")
# what a learner types for "option 3" (after NFKC: ３ → 3, ③ → 3, ⑶ → (3), （3） → (3))
OPTION = re.compile(r"(?:option|選択肢|no\.?|#)?\s*[(\[]?\s*(\d{1,3})\s*[)\]]?\s*\.?", re.IGNORECASE)


class AnswerError(ValueError):
    """An --answer that is not one Python expression."""

    def __init__(self, msg: str, stray: list[StrayChar] | None = None):
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
    from quiz.typed import nfkc

    return nfkc(text)


def fill(ex: Exercise, answer: str) -> str:
    """The template with the blank replaced by `answer` (one expression)."""
    import ast

    answer = normalise_answer(answer)
    try:
        ast.parse(answer, mode="eval")
    except SyntaxError as e:
        raise AnswerError(e.msg, find_stray(answer)[0]) from None
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

