"""One exercise file (bank/exercises/NAME.yaml) read and checked into an Exercise: every problem
with file, line and field (bank/SCHEMA.md, "Exercises"); quiz.exercises.load_all calls parse."""

from __future__ import annotations

import hashlib
from pathlib import Path

from quiz.exercises import GENERATORS, LABEL, MARKER, Blank, Exercise, Misconception
from quiz.problems import Problem, check_text, require

_COMMON = {"id", "name", "day", "section", "title", "statement", "template", "reference", "explanation",
           "grading", "syllabus"}
_OPTIONAL = {"source", "code_item", "stage"}
_BLANK = {"options", "answer", "hints", "misconceptions"}  # each blank's own, beside its label
_ONE_BLANK = {"blank"} | _BLANK  # the form of one blank: these at the top level
_FIELDS = _COMMON | _ONE_BLANK  # the fields of the one-blank form (blanks: replaces _ONE_BLANK)
# lines that say where an exercise sits or how its quiz items are named, not what the learner answers
_NOT_HASHED = (b"syllabus:", b"source:", b"code_item:")


def _day_or_stage(raw, problems: list[Problem], path: Path, line) -> int:
    """The exercise's day (1-4), or its course stage's number (quiz.sections.STAGES)."""
    from quiz.sections import STAGES

    if "stage" not in raw:
        return raw["day"]
    stage = raw["stage"]
    if stage not in STAGES:
        problems.append(Problem(path, line("stage"), "stage", f"expected one of {', '.join(STAGES)}, got {stage!r}"))
        return 0
    return STAGES[stage]


def parse(path: Path, raw, problems: list[Problem], templates: Path) -> Exercise | None:
    from quiz import syllabus, yamlio

    if not isinstance(raw, dict):
        problems.append(Problem(path, 1, "", "an exercise file must be a mapping"))
        return None
    start = len(problems)
    line = raw.line_of if isinstance(raw, yamlio.LineDict) else (lambda k: 0)
    listed = "blanks" in raw
    fields = _COMMON | ({"blanks"} if listed else _ONE_BLANK)
    for key in raw:
        if key in _OPTIONAL or key in fields:
            continue
        if listed and key in _ONE_BLANK:
            problems.append(Problem(path, line(key), key, "with blanks:, each blank's label, options, answer, hints "
                                    "and misconceptions go inside its entry of blanks"))
        else:
            problems.append(Problem(path, line(key), key, f"unknown field; expected one of "
                                    f"{', '.join(sorted(fields | _OPTIONAL))}"))
    if "stage" in raw:  # 応用数学 / 機械学習: stage: math|ml instead of day (as for questions)
        fields = fields - {"day"}
        if "day" in raw:
            problems.append(Problem(path, line("stage"), "day", "give exactly one of day: 1-4 or stage: math|ml"))
    for key in sorted(fields - set(raw)):
        problems.append(Problem(path, getattr(raw, "line", 0), key, "missing field"))
    if len(problems) > start:
        return None
    day = _day_or_stage(raw, problems, path, line)
    require(isinstance(raw["id"], str), problems, path, line("id"), "id", "expected a string")
    require(isinstance(raw["name"], str) and raw["name"].isidentifier(), problems, path, line("name"), "name", "expected a name like lstm")
    for key in ("day", "section"):
        if key in raw:
            require(_is_int(raw[key]), problems, path, line(key), key, "expected an integer")
    for key in ("title", "statement", "explanation"):
        check_text(raw[key], problems, path, line(key), key)
    from quiz.bank import SOURCES

    if "source" in raw:
        require(raw["source"] in SOURCES, problems, path, line("source"), "source",
                f"expected one of {', '.join(SOURCES)}, got {raw['source']!r}")
    if "code_item" in raw:
        require(isinstance(raw["code_item"], str) and raw["code_item"].strip() != "" and not any(
            c.isspace() for c in raw["code_item"]), problems, path, line("code_item"), "code_item",
            "expected the id of its code item, e.g. d3.s1.code-traverse")
    ids = syllabus.check_ids(raw["syllabus"], problems, path, line("syllabus"), "syllabus")
    if listed:
        blanks = _parse_blanks(raw["blanks"], problems, path, line("blanks"))
    else:  # the one-blank form: its fields at the top level, read as a list of one
        one = {k: raw[k] for k in _ONE_BLANK}
        found = _parse_blank(one, problems, path, line, "", str(raw["blank"]))
        blanks = [found] if found else []
    template = templates / str(raw["template"])
    if not template.is_file():
        problems.append(Problem(path, line("template"), "template", f"no template file {template.name} in {templates}"))
    else:
        _check_markers(template, blanks, problems, path, line("blanks" if listed else "blank"), "blanks" if listed else "blank")
    _check_grading(raw["grading"], problems, path, line("grading"))
    if len(problems) > start:
        return None
    # the syllabus ids say where the exercise sits on the map, not what the learner answered: adding or
    # changing them does not make the exercise "changed since you last answered it"
    text = b"".join(ln for ln in path.read_bytes().splitlines(keepends=True) if not ln.startswith(_NOT_HASHED))
    digest = hashlib.sha256(text + template.read_bytes()).hexdigest()[:16]
    return Exercise(
        id=raw["id"], name=raw["name"], day=day, section=raw["section"],
        title=dict(raw["title"]), statement=dict(raw["statement"]), template=template,
        reference=str(raw["reference"]), blanks=tuple(blanks), explanation=dict(raw["explanation"]),
        grading=raw["grading"], path=path, content_hash=digest, syllabus=ids,
        source=raw.get("source", "challenge"), code_item=raw.get("code_item", ""),
    )


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _parse_blanks(entries, problems: list[Problem], path: Path, at: int) -> list[Blank]:
    from quiz import yamlio

    if not isinstance(entries, list) or not entries:
        problems.append(Problem(path, at, "blanks", "expected a list of blanks, each {label, options, answer, hints, "
                                "misconceptions}"))
        return []
    out: list[Blank] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"blanks[{i}]"
        eline = _item_line(entries, i, at)
        if not isinstance(entry, dict):
            problems.append(Problem(path, eline, where, "expected a mapping {label, options, answer, hints, misconceptions}"))
            continue
        line = entry.line_of if isinstance(entry, yamlio.LineDict) else (lambda k: eline)
        bad = len(problems)
        for key in entry:
            if key not in _BLANK | {"label"}:
                problems.append(Problem(path, line(key), f"{where}.{key}", "unknown field; expected one of "
                                        f"{', '.join(sorted(_BLANK | {'label'}))}"))
        for key in sorted((_BLANK | {"label"}) - set(entry)):
            problems.append(Problem(path, eline, f"{where}.{key}", "missing field"))
        if len(problems) > bad:
            continue
        label = entry["label"]
        if not isinstance(label, str) or not LABEL.fullmatch(label):
            problems.append(Problem(path, line("label"), f"{where}.label", "expected the exam's label, a word such as あ"))
            continue
        if label in seen:
            problems.append(Problem(path, line("label"), f"{where}.label", f"label {label} is given twice"))
            continue
        seen.add(label)
        found = _parse_blank(entry, problems, path, line, f"{where}.", label)
        if found:
            out.append(found)
    return out


def _parse_blank(raw: dict, problems: list[Problem], path: Path, line, where: str, label: str) -> Blank | None:
    """One blank's options, answer, hints and misconceptions (`where`: the field prefix, blanks[1].)."""
    start = len(problems)
    options, answer = raw["options"], raw["answer"]
    if not _is_int(answer):
        problems.append(Problem(path, line("answer"), f"{where}answer", "expected an integer"))
    if not (isinstance(options, list) and len(options) == 4 and all(isinstance(o, str) for o in options)):
        problems.append(Problem(path, line("options"), f"{where}options", "expected a list of exactly 4 code strings"))
    elif _is_int(answer) and not 1 <= answer <= 4:
        problems.append(Problem(path, line("answer"), f"{where}answer", f"{answer} is not among the options 1-4"))
    hints = raw["hints"]
    if not isinstance(hints, list) or not hints:
        problems.append(Problem(path, line("hints"), f"{where}hints", "expected a list of {ja, en} hints"))
    else:
        for i, h in enumerate(hints):
            check_text(h, problems, path, _item_line(hints, i, line("hints")), f"{where}hints[{i}]")
    mis = raw["misconceptions"]
    misconceptions = []
    if not isinstance(mis, list):
        problems.append(Problem(path, line("misconceptions"), f"{where}misconceptions", "expected a list"))
    else:
        for i, m in enumerate(mis):
            found = _parse_misconception(m, problems, path, getattr(m, "line", line("misconceptions")),
                                         f"{where}misconceptions[{i}]")
            if found:
                misconceptions.append(found)
    if len(problems) > start:
        return None
    return Blank(label, tuple(options), answer, tuple(dict(h) for h in hints), tuple(misconceptions))


def _parse_misconception(m, problems: list[Problem], path: Path, mline: int, where: str) -> Misconception | None:
    if not isinstance(m, dict) or "feedback" not in m or not ({"answers", "error"} & set(m)):
        problems.append(Problem(path, mline, where, "expected answers and/or error, and feedback"))
        return None
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
    return Misconception(tuple(answers), m.get("error"), dict(m["feedback"]), error_feedback)


def _check_markers(template: Path, blanks: list[Blank], problems: list[Problem], path: Path, at: int, key: str) -> None:
    """Each blank's marker is in the template exactly once, and the template holds no other marker."""
    source = template.read_text(encoding="utf-8")
    for i, b in enumerate(blanks):
        where = f"blanks[{i}].label" if key == "blanks" else key
        count = source.count(b.marker)
        if count != 1:
            problems.append(Problem(path, at, where, f"the template {template.name} holds the marker {b.marker} "
                                    f"{count} times; expected exactly once"))
    labels = {b.label for b in blanks}
    for other in sorted(set(MARKER.findall(source)) - labels):
        if blanks:  # a blank that failed validation is reported on its own
            problems.append(Problem(path, at, key, f"the template {template.name} holds a marker ___{other}___ "
                                    "that no blank declares"))


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
