"""Exercise metadata: the Exercise, its blanks and misconceptions, and load_all (bank/exercises/*.yaml
→ validated Exercise objects, cached; no numpy here). Reading and checking one file is
quiz.exercise_parse's."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

from quiz import jsoncache, resources
from quiz.problems import BankError, Problem

# The input generator kinds: an input's YAML key → the function of quiz.cases that draws it (a
# table, imported only when a case is drawn, so validating an exercise needs no numpy). A new
# kind is one entry here and one draw_ function there.
GENERATORS = {"randn": "draw_randn", "uniform": "draw_uniform", "value": "draw_value",
              "onehot": "draw_onehot", "tree": "draw_tree", "randint": "draw_randint", "integer": "draw_integer",
              "boxes": "draw_boxes"}


@dataclass(frozen=True)
class Misconception:
    answers: tuple[str, ...]
    error: str | None
    feedback: dict  # said when the learner's answer is one of `answers`
    error_feedback: dict | None = None  # said when only `error` matched: nothing about the rest


# A blank's marker in a template: ___け___ (a valid identifier, so the file parses)
MARKER = re.compile(r"___([^\W\d_][^\W_]*?)___")
LABEL = re.compile(r"[^\W\d_][^\W_]*")

# ASCII names for the exam's kana labels: `--answer a=EXPR` means (あ), `ke=` (け). The one table.
_ROWS = {"": "aiueo", "k": "aiueo", "s": "aiueo", "t": "aiueo", "n": "aiueo", "h": "aiueo", "m": "aiueo",
         "y": "auo", "r": "aiueo", "w": "ao"}
_KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわを"
LABEL_ALIASES = dict(zip((c + v for c, vs in _ROWS.items() for v in vs), _KANA))
LABEL_ALIASES.update({"shi": "し", "chi": "ち", "tsu": "つ", "fu": "ふ", "wo": "を"})


def label_named(text: str, labels) -> str | None:
    """The blank label `text` names among `labels`: the label itself (あ, （あ）) or its ASCII name (a)."""
    name = text.strip().strip("()").strip().lower()
    if name in labels:
        return name
    kana = LABEL_ALIASES.get(name)
    return kana if kana in labels else None


@dataclass(frozen=True)
class Blank:
    """One blank of a template: the exam's label and four candidate lines, with its own hints and
    known wrong answers."""

    label: str
    options: tuple[str, ...]
    answer: int  # 1-based index of the right option
    hints: tuple[dict, ...]
    misconceptions: tuple[Misconception, ...]

    @property
    def marker(self) -> str:
        return f"___{self.label}___"

    @property
    def right_option(self) -> str:
        return self.options[self.answer - 1]


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    day: int
    section: int
    title: dict
    statement: dict
    template: Path
    reference: str
    blanks: tuple[Blank, ...]
    explanation: dict
    grading: dict = field(repr=False)
    path: Path = field(repr=False)
    content_hash: str = field(repr=False)
    syllabus: tuple[str, ...] = ()  # syllabus ids (quiz.syllabus); its code items inherit them
    source: str = "challenge"  # its code items' source (quiz.bank.SOURCES)
    code_item: str = ""  # the first code item's id when it is not the derived one (ids never change)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.blanks)

    def blank_of(self, label: str) -> Blank:
        return next(b for b in self.blanks if b.label == label)

    def with_blank(self, label: str) -> "Exercise":
        """The exercise as its one blank `label` asks it (a code item's view)."""
        return replace(self, blanks=(self.blank_of(label),))

    def hint_tiers(self) -> list[tuple[Blank, dict]]:
        """Every hint, blank by blank, gentlest first within each."""
        return [(b, h) for b in self.blanks for h in b.hints]

    def code_item_ids(self) -> list[str]:
        """The ids of the code-choice items derived from this exercise, one per blank, in order:
        d3.s2.code-lstm for the first, with the label appended for the others."""
        from quiz.sections import stage_key

        stage = f"d{self.day}" if self.day > 0 else stage_key(self.day)  # math.s1.code-pca-eig
        first = self.code_item or f"{stage}.s{self.section}.code-{self.name.replace('_', '-')}"
        return [first] + [f"{first}-{b.label}" for b in self.blanks[1:]]

    # One-blank exercises (every one today): the blank's fields read as the exercise's, for the
    # many callers that grade or show one blank. An exercise with several blanks has no single one.
    @property
    def only(self) -> Blank:
        if len(self.blanks) != 1:
            raise ValueError(f"exercise {self.name} has {len(self.blanks)} blanks; use .blanks")
        return self.blanks[0]

    blank = property(lambda self: self.only.label)
    marker = property(lambda self: self.only.marker)
    options = property(lambda self: self.only.options)
    answer = property(lambda self: self.only.answer)
    right_option = property(lambda self: self.only.right_option)
    hints = property(lambda self: self.only.hints)
    misconceptions = property(lambda self: self.only.misconceptions)


def _plain(value):
    """YAML's line-aware containers → plain JSON-able values."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _to_json(ex: Exercise) -> dict:
    d = asdict(ex)
    d["template"] = str(ex.template)
    d["path"] = str(ex.path)
    d["grading"] = _plain(ex.grading)
    return d


def _from_json(d: dict) -> Exercise:
    d["template"], d["path"] = Path(d["template"]), Path(d["path"])
    d["blanks"] = tuple(
        Blank(b["label"], tuple(b["options"]), b["answer"], tuple(b["hints"]),
              tuple(Misconception(tuple(m["answers"]), m["error"], m["feedback"], m.get("error_feedback"))
                    for m in b["misconceptions"]))
        for b in d["blanks"])
    d["syllabus"] = tuple(d.get("syllabus") or ())
    return Exercise(**d)


def _fingerprint(directory: Path, templates: Path) -> str:
    from quiz import syllabus

    h = hashlib.sha256(f"exercises-v4:{syllabus.fingerprint()}".encode())
    for path in sorted(directory.glob("*.yaml")) + sorted(templates.glob("*.py")):
        h.update(str(path).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:24]


@cache
def load_all(directory: Path | None = None) -> dict[str, Exercise]:
    """name -> Exercise for every file in bank/exercises; raises BankError listing all problems.

    The validated result is cached under $RABBIT_HOME/cache, keyed by the files' contents.
    """
    directory = directory or resources.bank_dir() / "exercises"
    templates = resources.exercises_dir()
    return jsoncache.cached("exercises", _fingerprint(directory, templates),
                            lambda: _load_uncached(directory, templates),
                            encode=lambda out: [_to_json(ex) for ex in out.values()],
                            decode=lambda data: {d["name"]: _from_json(d) for d in data})


def _load_uncached(directory: Path, templates: Path) -> dict[str, Exercise]:
    from quiz import yamlio
    from quiz.exercise_parse import parse

    problems: list[Problem] = []
    out: dict[str, Exercise] = {}
    ids: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yamlio.load(path)
        except yamlio.YamlSyntaxError as e:
            problems.append(Problem(path, e.line, "", e.message))
            continue
        ex = parse(path, raw, problems, templates)  # quiz.exercise_parse
        if ex is None:
            continue
        if ex.id in ids:
            problems.append(Problem(path, raw.line_of("id"), "id", f"duplicate id {ex.id} (also in {ids[ex.id].name})"))
            continue
        ids[ex.id] = path
        out[ex.name] = ex
    if problems:
        raise BankError(problems)
    return dict(sorted(out.items(), key=lambda kv: (kv[1].day, kv[1].section, kv[1].name)))
