"""Exercise metadata: bank/exercises/*.yaml → validated Exercise objects (no numpy here)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from quiz import jsoncache, resources
from quiz.problems import BankError, Problem, check_text, require

# The input generator kinds: an input's YAML key → the function of quiz.cases that draws it (a
# table, imported only when a case is drawn, so validating an exercise needs no numpy). A new
# kind is one entry here and one draw_ function there.
GENERATORS = {"randn": "draw_randn", "uniform": "draw_uniform", "value": "draw_value",
              "onehot": "draw_onehot", "tree": "draw_tree"}


@dataclass(frozen=True)
class Misconception:
    answers: tuple[str, ...]
    error: str | None
    feedback: dict  # said when the learner's answer is one of `answers`
    error_feedback: dict | None = None  # said when only `error` matched: nothing about the rest


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
    blank: str
    options: tuple[str, ...]
    answer: int
    hints: tuple[dict, ...]
    explanation: dict
    misconceptions: tuple[Misconception, ...]
    grading: dict = field(repr=False)
    path: Path = field(repr=False)
    content_hash: str = field(repr=False)
    syllabus: tuple[str, ...] = ()  # syllabus ids (quiz.syllabus); its code item inherits them

    @property
    def marker(self) -> str:
        return f"___{self.blank}___"

    @property
    def right_option(self) -> str:
        return self.options[self.answer - 1]


_FIELDS = {
    "id", "name", "day", "section", "title", "statement", "template", "reference", "blank",
    "options", "answer", "hints", "explanation", "misconceptions", "grading", "syllabus",
}


def parse(path: Path, raw, problems: list[Problem], templates: Path) -> Exercise | None:
    from quiz import syllabus, yamlio

    if not isinstance(raw, dict):
        problems.append(Problem(path, 1, "", "an exercise file must be a mapping"))
        return None
    start = len(problems)
    line = raw.line_of if isinstance(raw, yamlio.LineDict) else (lambda k: 0)
    for key in raw:
        if key not in _FIELDS:
            problems.append(Problem(path, line(key), key, f"unknown field; expected one of {', '.join(sorted(_FIELDS))}"))
    for key in sorted(_FIELDS - set(raw)):
        problems.append(Problem(path, getattr(raw, "line", 0), key, "missing field"))
    if len(problems) > start:
        return None
    require(isinstance(raw["id"], str), problems, path, line("id"), "id", "expected a string")
    require(isinstance(raw["name"], str) and raw["name"].isidentifier(), problems, path, line("name"), "name", "expected a name like lstm")
    for key in ("day", "section", "answer"):
        require(isinstance(raw[key], int) and not isinstance(raw[key], bool), problems, path, line(key), key, "expected an integer")
    for key in ("title", "statement", "explanation"):
        check_text(raw[key], problems, path, line(key), key)
    ids = syllabus.check_ids(raw["syllabus"], problems, path, line("syllabus"), "syllabus")
    options = raw["options"]
    if not (isinstance(options, list) and len(options) == 4 and all(isinstance(o, str) for o in options)):
        problems.append(Problem(path, line("options"), "options", "expected a list of exactly 4 code strings"))
    elif isinstance(raw["answer"], int) and not 1 <= raw["answer"] <= 4:
        problems.append(Problem(path, line("answer"), "answer", f"{raw['answer']} is not among the options 1-4"))
    hints = raw["hints"]
    if not isinstance(hints, list) or not hints:
        problems.append(Problem(path, line("hints"), "hints", "expected a list of {ja, en} hints"))
    else:
        for i, h in enumerate(hints):
            check_text(h, problems, path, _item_line(hints, i, line("hints")), f"hints[{i}]")
    mis = raw["misconceptions"]
    misconceptions = []
    if not isinstance(mis, list):
        problems.append(Problem(path, line("misconceptions"), "misconceptions", "expected a list"))
    else:
        for i, m in enumerate(mis):
            where = f"misconceptions[{i}]"
            mline = getattr(m, "line", line("misconceptions"))
            if not isinstance(m, dict) or "feedback" not in m or not ({"answers", "error"} & set(m)):
                problems.append(Problem(path, mline, where, "expected answers and/or error, and feedback"))
                continue
            extra = set(m) - {"answers", "error", "feedback", "error_feedback"}
            if extra:
                problems.append(Problem(path, mline, where, f"unknown field {sorted(extra)[0]}"))
            check_text(m["feedback"], problems, path, mline, f"{where}.feedback")
            if m.get("error") is not None and "error_feedback" not in m:
                problems.append(Problem(path, mline, f"{where}.error_feedback", "missing: what to say when only "
                                        "the error matched (it must not assume the rest of the answer is right)"))
            elif "error_feedback" in m:
                check_text(m["error_feedback"], problems, path, mline, f"{where}.error_feedback")
            answers = m.get("answers") or []
            if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
                problems.append(Problem(path, mline, f"{where}.answers", "expected a list of expressions"))
                answers = []
            error_feedback = dict(m["error_feedback"]) if isinstance(m.get("error_feedback"), dict) else None
            misconceptions.append(Misconception(tuple(answers), m.get("error"), dict(m["feedback"]), error_feedback))
    template = templates / str(raw["template"])
    if not template.is_file():
        problems.append(Problem(path, line("template"), "template", f"no template file {template.name} in {templates}"))
    elif f"___{raw['blank']}___" not in template.read_text(encoding="utf-8"):
        problems.append(Problem(path, line("blank"), "blank", f"the template holds no marker ___{raw['blank']}___"))
    _check_grading(raw["grading"], problems, path, line("grading"))
    if len(problems) > start:
        return None
    # the syllabus ids say where the exercise sits on the map, not what the learner answered: adding or
    # changing them does not make the exercise "changed since you last answered it"
    text = b"".join(ln for ln in path.read_bytes().splitlines(keepends=True) if not ln.startswith(b"syllabus:"))
    digest = hashlib.sha256(text + template.read_bytes()).hexdigest()[:16]
    return Exercise(
        id=raw["id"], name=raw["name"], day=raw["day"], section=raw["section"],
        title=dict(raw["title"]), statement=dict(raw["statement"]), template=template,
        reference=str(raw["reference"]), blank=str(raw["blank"]), options=tuple(options),
        answer=raw["answer"], hints=tuple(dict(h) for h in hints), explanation=dict(raw["explanation"]),
        misconceptions=tuple(misconceptions), grading=raw["grading"], path=path, content_hash=digest,
        syllabus=ids,
    )


def _item_line(seq, i: int, default: int) -> int:
    lines = getattr(seq, "item_lines", None)
    return lines[i] if lines and i < len(lines) else default


def _check_grading(g, problems: list[Problem], path: Path, line: int) -> None:
    from quiz import yamlio

    if not isinstance(g, dict):
        problems.append(Problem(path, line, "grading", "expected a mapping"))
        return
    gl = g.line_of if isinstance(g, yamlio.LineDict) else (lambda k: line)
    for key in ("function", "returns", "inputs", "cases"):
        if key not in g:
            problems.append(Problem(path, line, f"grading.{key}", "missing field"))
    extra = set(g) - {"function", "returns", "inputs", "cases", "globals", "rtol", "atol"}
    for key in sorted(extra):
        problems.append(Problem(path, gl(key), f"grading.{key}", "unknown field"))
    for section in ("inputs", "globals"):
        specs = g.get(section) or {}
        if not isinstance(specs, dict):
            problems.append(Problem(path, gl(section), f"grading.{section}", "expected a mapping of name: generator"))
            continue
        for name, spec in specs.items():
            _check_generator(spec, problems, path, getattr(spec, "line", gl(section)), f"grading.{section}.{name}")
    cases = g.get("cases")
    if not isinstance(cases, list) or not cases:
        problems.append(Problem(path, gl("cases"), "grading.cases", "expected a list of cases"))
        return
    for i, case in enumerate(cases):
        where = f"grading.cases[{i}]"
        cline = getattr(case, "line", gl("cases"))
        if not isinstance(case, dict) or not {"name", "dims", "seed"} <= set(case):
            problems.append(Problem(path, cline, where, "expected name, dims and seed"))
            continue
        for name, spec in (case.get("inputs") or {}).items():
            if name not in (g.get("inputs") or {}) and name not in (g.get("globals") or {}):
                problems.append(Problem(path, cline, f"{where}.inputs.{name}", "overrides an input the exercise does not have"))
            _check_generator(spec, problems, path, cline, f"{where}.inputs.{name}")


def _check_generator(spec, problems: list[Problem], path: Path, line: int, where: str) -> None:
    if not isinstance(spec, dict) or len(set(spec) & GENERATORS.keys()) != 1:
        problems.append(Problem(path, line, where, f"expected one generator of {', '.join(sorted(GENERATORS))}"))


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
    d["misconceptions"] = tuple(Misconception(tuple(m["answers"]), m["error"], m["feedback"], m.get("error_feedback"))
                                for m in d["misconceptions"])
    for key in ("options", "hints", "syllabus"):
        d[key] = tuple(d.get(key) or ())
    return Exercise(**d)


def _fingerprint(directory: Path, templates: Path) -> str:
    from quiz import syllabus

    h = hashlib.sha256(f"exercises-v3:{syllabus.fingerprint()}".encode())
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

    problems: list[Problem] = []
    out: dict[str, Exercise] = {}
    ids: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yamlio.load(path)
        except yamlio.YamlSyntaxError as e:
            problems.append(Problem(path, e.line, "", e.message))
            continue
        ex = parse(path, raw, problems, templates)
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
