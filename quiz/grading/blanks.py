"""The blanks and the learner's answers to them: fill the template with answers ({label: expr}),
find blanks still unfilled, extract what was written in place of each blank, read an answer
given as an option number or as LABEL=EXPR.
"""

from __future__ import annotations

import re

from quiz.exercises import MARKER, Blank, Exercise, label_named
from quiz.grading.ime import StrayChar
from quiz.grading.ime import find as find_stray

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


class LabelError(AnswerError):
    """Answers that do not say, one for each, which blank they fill (`unknown`, `missing`, `twice`)."""

    def __init__(self, problem: str, labels: list[str]):
        super().__init__(f"{problem}: {', '.join(labels)}")
        self.problem, self.labels = problem, labels


# LABEL=EXPR (also (あ)=EXPR); `==` is a comparison, not a label
LABELLED = re.compile(r"\s*(\(?\s*[^\W\d_][^\W_]*\s*\)?)\s*=(?!=)(.*)", re.DOTALL)


def labelled_answers(ex: Exercise, given: list[str]) -> dict[str, str]:
    """--answer values → {label: text}. One blank takes a bare EXPR; several need LABEL=EXPR each
    (the label, or its ASCII name: a=EXPR for (あ)). Raises LabelError."""
    labels = ex.labels
    out: dict[str, str] = {}
    unknown, twice = [], []
    for value in given:
        text = normalise_answer(value)
        m = LABELLED.fullmatch(text)
        label = label_named(m.group(1), labels) if m else None
        if label is None:
            if len(labels) == 1 and not m or len(labels) == 1 and len(given) == 1:
                label, expr = labels[0], value  # one blank: the whole text is its expression
            else:
                unknown.append(m.group(1).strip() if m else value)
                continue
        else:
            expr = m.group(2).strip()
        if label in out:
            twice.append(label)
        out[label] = expr
    if unknown:
        raise LabelError("unknown", unknown)
    if twice:
        raise LabelError("twice", twice)
    missing = [label for label in labels if label not in out]
    if missing:
        raise LabelError("missing", missing)
    return {label: out[label] for label in labels}


def option_number(ex: Exercise | Blank, answer: str) -> int | None:
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


def fill(ex: Exercise, answers: dict[str, str] | str) -> str:
    """The template with each blank replaced by its answer ({label: expression}; a plain string
    for an exercise of one blank). A blank without an answer keeps its marker."""
    import ast

    if isinstance(answers, str):
        answers = {ex.only.label: answers}
    source = ex.template.read_text(encoding="utf-8")
    for b in ex.blanks:
        if b.label not in answers:
            continue
        answer = normalise_answer(answers[b.label])
        try:
            ast.parse(answer, mode="eval")
        except SyntaxError as e:
            raise AnswerError(e.msg, find_stray(answer)[0]) from None
        source = source.replace(b.marker, f"({answer})")
    return source


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


def extract_answers(ex: Exercise, source: str) -> dict[str, str]:
    """What the learner wrote in place of each blank ({label: text}), found by the template's code
    around the markers (comments aside) on the learner's line that stands where the blank's line
    stands: of the lines that fit, the one with the template's neighbours (the code lines just above
    and below), else the nearest to the blank's place. A blank whose line cannot be found is left out."""
    found: dict[str, str] = {}
    labels = set(ex.labels)
    template = [_code(line).strip() for line in ex.template.read_text(encoding="utf-8").splitlines()]
    mine = [_code(line).strip() for line in source.splitlines()]
    for at, code in enumerate(template):
        parts = MARKER.split(code)  # text, label, text, label, ..., text
        if len(parts) < 3 or not labels & set(parts[1::2]):
            continue
        names = parts[1::2]
        texts = parts[0::2]
        pattern = re.compile("".join(re.escape(t) + "(.+?)" for t in texts[:-1])[: -len("(.+?)")] + "(.+)"
                             + re.escape(texts[-1]))
        fits = []
        for i, line in enumerate(mine):
            m = pattern.fullmatch(line)
            if m and all(g.strip() for g in m.groups()):
                context = (_neighbour(mine, i, -1) == _neighbour(template, at, -1)) + \
                          (_neighbour(mine, i, 1) == _neighbour(template, at, 1))
                fits.append((-context, abs(i - at * len(mine) / max(len(template), 1)), i, m))
        if fits:
            m = min(fits, key=lambda f: f[:3])[3]
            for name, value in zip(names, m.groups()):
                found.setdefault(name, value.strip())
    return {label: found[label] for label in ex.labels if label in found}


def _neighbour(lines: list[str], i: int, step: int) -> str | None:
    """The nearest non-empty code line above (step -1) or below (step 1) line i."""
    i += step
    while 0 <= i < len(lines):
        if lines[i]:
            return lines[i]
        i += step
    return None


def _code(line: str) -> str:
    """A line without its comment (a # inside a string literal is not one)."""
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
        i += 1
    return line


def extract_answer(ex: Exercise, source: str) -> str | None:
    """What the learner wrote in place of the blank of a one-blank exercise."""
    return extract_answers(ex, source).get(ex.only.label)
