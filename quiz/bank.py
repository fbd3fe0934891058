"""The question bank: YAML files → validated Question items, cached by content hash.

Validation is strict and kind: every problem is collected with file, line and field, and all
are reported at once (BankError). The cache lives under $RABBIT_HOME/cache and is keyed by a
hash of every bank file, so start-up pays for parsing only when something changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from quiz import jsoncache, resources
from quiz.problems import BankError, Problem, check_text

SOURCES = ("confirmation", "challenge", "original")
FRAMEWORKS = ("pytorch", "tensorflow")  # the exam's framework questions: the candidate chooses one
COMMON = {"id", "day", "stage", "section", "type", "source", "prompt", "explanation", "tags", "syllabus", "framework"}
USER_DIR_ENV = "RABBIT_BANK"  # a directory of the learner's own question files
CACHE_VERSION = 9  # 3: a question's own fields are one `spec` (quiz.kinds); 4: syllabus ids, stages; 5: code items derived;
# 6: framework; 7: texts and spec kept as one JSON string per item, decoded when first read; 8: question sets; 9: an item's place in its set
LAZY = ("prompt", "explanation", "spec", "context")  # what a cached item decodes only when asked (a list needs none of it)


@dataclass(frozen=True, init=False)
class Question:
    """The fields every item has, and `spec`: its kind's own (quiz.kinds). A kind's field reads
    as an attribute too (`q.options`, `q.answer`, `q.key_points`), and an item built by hand may
    pass them as keywords: Question(..., type="choice", options=..., answer=2)."""

    id: str
    day: int  # 1-4, or a course stage's number (quiz.sections.STAGES: 応用数学 -2, 機械学習 -1)
    section: int
    type: str
    source: str
    prompt: dict
    explanation: dict
    spec: object = None  # a quiz.kinds.Spec
    tags: tuple = ()
    syllabus: tuple = ()  # syllabus ids (quiz.syllabus), e.g. ("3-5-2",)
    framework: str | None = None  # "pytorch" or "tensorflow" for a framework question (FRAMEWORKS)
    set_id: str | None = None  # the question set (quiz.qsets) this item is asked in, if any
    set_index: int = 0  # its place in that set, from 1 (0: not in a set)
    context: dict | None = None  # that set's shared context {ja, en}, shown above its items
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    content_hash: str = field(default="", compare=False)

    def __init__(self, id: str, day: int, section: int, type: str, source: str, prompt: dict, explanation: dict,
                 spec=None, tags: tuple = (), syllabus: tuple = (), framework: str | None = None,
                 set_id: str | None = None, context: dict | None = None, set_index: int = 0, file: str = "", line: int = 0,
                 content_hash: str = "", **fields):
        if spec is None:
            from quiz import kinds

            if fields and type not in kinds.names():
                raise ValueError(f"unknown question type {type}")
            spec = kinds.get(type).spec(**fields) if type in kinds.names() else kinds.Spec()  # judge() refuses it
        elif fields:
            raise TypeError(f"give the kind's fields ({', '.join(fields)}) or a spec, not both")
        values = dict(id=id, day=day, section=section, type=type, source=source, prompt=prompt,
                      explanation=explanation, spec=spec, tags=tags,
                      syllabus=tuple(syllabus), framework=framework, set_id=set_id, context=context, set_index=set_index, file=file, line=line, content_hash=content_hash)
        for k, v in values.items():
            object.__setattr__(self, k, v)

    @property
    def stage(self) -> str:
        """`day3`, or the course stage this item belongs to: `math` (応用数学) or `ml` (機械学習)."""
        from quiz.sections import stage_key

        return stage_key(self.day)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # copy and pickle look for these before __init__
            raise AttributeError(name)
        d = self.__dict__
        if name in LAZY and "_lazy" in d:  # an item from the cache: its texts and spec, on first use
            from quiz.bankcache import materialise

            materialise(d)
            return d[name]
        if name in ("spec", "context"):
            raise AttributeError(name)
        return getattr(self.spec, name)


def for_framework(questions: list[Question], framework: str | None) -> list[Question]:
    """The items a candidate who chose `framework` meets: the neutral ones and that framework's
    (None: no choice, every item)."""
    if framework is None:
        return list(questions)
    return [q for q in questions if q.framework is None or q.framework == framework]


# a field's default is a class attribute, which would answer before __getattr__ can decode it
del Question.spec
del Question.context


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _item_hash(raw: dict) -> str:
    """What the learner answered. An item's syllabus ids (and its framework tag) say where it sits,
    not what it asks: adding or changing them does not make it "changed since you last answered it"."""
    text = {k: v for k, v in raw.items() if k not in ("syllabus", "framework")}
    return hashlib.sha256(json.dumps(text, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def validate_item(raw, path: Path, problems: list[Problem], exercise_names: set[str], at: int = 0,
                  in_set: tuple[str, dict, int] | None = None) -> Question | None:
    """One item; `in_set` is (set id, context, place from 1) for an item of a question set (quiz.qsets)."""
    from quiz import kinds, syllabus, yamlio

    if not isinstance(raw, dict):
        problems.append(Problem(path, getattr(raw, "line", at), "", "each question must be a mapping (id: ..., type: ...)"))
        return None
    start = len(problems)
    line = raw.line_of if isinstance(raw, yamlio.LineDict) else (lambda k: 0)
    item_line = getattr(raw, "line", 0)
    ident = raw.get("id")
    label = f"{ident}." if isinstance(ident, str) else ""
    for key, dup_line in getattr(raw, "duplicate_keys", []):
        problems.append(Problem(path, dup_line, f"{label}{key}", "field given twice"))
    qtype = raw.get("type")
    types = kinds.names()
    if qtype not in types:
        problems.append(Problem(path, line("type"), f"{label}type", f"expected one of {', '.join(types)}, got {qtype!r}"))
        return None
    kind = kinds.get(qtype)
    allowed = COMMON | kind.fields
    for key in raw:
        if key not in allowed:
            problems.append(Problem(path, line(key), f"{label}{key}",
                                    f"unknown field for a {qtype} question; allowed: {', '.join(sorted(allowed))}"))
    required = {"id", "section", "type", "source"} | kind.required
    if kind.needs_text:
        required |= {"prompt", "explanation"}
    missing = sorted(required - set(raw))
    for key in missing:
        problems.append(Problem(path, item_line, f"{label}{key}", "missing field"))
    # every item of the shipped bank says where it sits on the syllabus (a code item inherits its
    # exercise's ids); a learner's own files may leave it out. Reported, but the other checks go on.
    if "syllabus" not in raw and qtype != "code" and _shipped(path):
        problems.append(Problem(path, item_line, f"{label}syllabus", "missing field: the syllabus ids this item "
                                "practises, e.g. syllabus: [3-5-2] (rabbit syllabus lists them)"))
    if ("day" in raw) == ("stage" in raw):
        problems.append(Problem(path, line("stage") if "stage" in raw else item_line, f"{label}day",
                                "give exactly one of day: 1-4 or stage: math|ml"))
        missing.append("day")
    if missing:  # an unknown field alone does not stop the other checks
        return None
    if not isinstance(ident, str) or not ident.strip() or any(c.isspace() for c in ident):
        problems.append(Problem(path, line("id"), "id", "expected a stable id without spaces, e.g. d3.s1.third-weight"))
    day = _day_of(raw, ident, path, line, label, problems)
    if not _is_int(raw["section"]) or raw["section"] < 0:
        problems.append(Problem(path, line("section"), f"{label}section", f"expected a section number (0 or more), got {raw['section']!r}"))
    if raw["source"] not in SOURCES:
        problems.append(Problem(path, line("source"), f"{label}source", f"expected one of {', '.join(SOURCES)}, got {raw['source']!r}"))
    for key in ("prompt", "explanation"):
        if key in raw:
            check_text(raw[key], problems, path, line(key), f"{label}{key}")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(Problem(path, line("tags"), f"{label}tags", "expected a list of words"))
    framework = raw.get("framework")
    if "framework" in raw and framework not in FRAMEWORKS:
        problems.append(Problem(path, line("framework"), f"{label}framework",
                                f"expected one of {', '.join(FRAMEWORKS)}, got {framework!r}"))
    ids = syllabus.check_ids(raw["syllabus"], problems, path, line("syllabus"), f"{label}syllabus") if "syllabus" in raw else ()
    spec = kind.validate(kinds.Validation(raw, path, problems, label, line, exercise_names))
    if len(problems) > start:
        return None
    return Question(
        id=ident, day=day, section=raw["section"], type=qtype, source=raw["source"],
        prompt=dict(raw.get("prompt") or {}), explanation=dict(raw.get("explanation") or {}),
        spec=spec, tags=tuple(tags), syllabus=ids, framework=framework,
        set_id=in_set[0] if in_set else None, context=in_set[1] if in_set else None,
        set_index=in_set[2] if in_set else 0, file=str(path), line=item_line,
        # the text is what the learner answered (with its set's context); whether its options are
        # shuffled is not part of it
        content_hash=_item_hash({**{k: v for k, v in raw.items() if k != "shuffle"},
                                 **({"set": in_set[0], "context": in_set[1]} if in_set else {})}),
    )


def _shipped(path: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(resources.bank_dir().resolve())
    except OSError:
        return False


def _day_of(raw: dict, ident, path: Path, line, label: str, problems: list[Problem]) -> int:
    """The item's day (1-4), or its stage's number; a stage item's id starts with the stage (math., ml.)."""
    from quiz.sections import STAGES

    if "stage" in raw:
        stage = raw["stage"]
        if stage not in STAGES:
            problems.append(Problem(path, line("stage"), f"{label}stage", f"expected one of {', '.join(STAGES)}, got {stage!r}"))
            return 0
        if isinstance(ident, str) and not ident.startswith(f"{stage}."):
            problems.append(Problem(path, line("id"), f"{label}id", f"an id of a {stage} item starts with {stage}., e.g. {stage}.s1.name"))
        return STAGES[stage]
    if not _is_int(raw["day"]) or not 1 <= raw["day"] <= 4:
        problems.append(Problem(path, line("day"), f"{label}day", f"expected a day 1-4, got {raw['day']!r}"))
    return raw["day"]


def validate_file(path: Path, problems: list[Problem], exercise_names: set[str], text: str | None = None,
                  set_lines: dict | None = None) -> list[Question]:
    """The items of one question file; `set_lines` gathers each set's id line ((file, id) -> line)."""
    from quiz import yamlio

    try:
        data = yamlio.load(path, text)
    except yamlio.YamlSyntaxError as e:
        problems.append(Problem(path, e.line, "", e.message))
        return []
    except (OSError, UnicodeDecodeError) as e:
        problems.append(Problem(path, 0, "", f"cannot read: {e}"))
        return []
    if not isinstance(data, dict) or not ({"questions", "sets"} & set(data)):
        problems.append(Problem(path, getattr(data, "line", 1), "questions",
                                "a question file is a mapping with questions: [...] (and/or sets: [...], see SCHEMA.md)"))
        return []
    for key in data:
        if key not in ("questions", "sets"):
            problems.append(Problem(path, data.line_of(key), key, "unknown top-level field; expected questions or sets"))
    out = []
    set_ids: set[str] = set()
    for key in ("questions", "sets"):
        if key not in data:
            continue
        items = data[key]
        if not isinstance(items, list):
            problems.append(Problem(path, data.line_of(key), key, f"expected a list of {key if key == 'sets' else 'questions'}"))
            continue
        lines = getattr(items, "item_lines", [])
        for i, raw in enumerate(items):
            at = lines[i] if i < len(lines) else 0
            if key == "questions":
                q = validate_item(raw, path, problems, exercise_names, at)
                if q is not None:
                    out.append(q)
            else:
                from quiz import qsets

                out.extend(qsets.validate_set(raw, path, problems, exercise_names, at, set_ids, set_lines))
    return out


def exercise_names() -> set[str]:
    from quiz.exercises import load_all

    return set(load_all())


def question_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            # the shipped bank's sections.yaml and syllabus.yaml hold names and the map, not questions
            shipped = p.resolve() == resources.bank_dir().resolve()
            data = {p / "sections.yaml", p / "syllabus.yaml"} if shipped else set()
            files.extend(sorted(f for f in p.rglob("*.yaml") if "exercises" not in f.relative_to(p).parts and f not in data))
        else:
            files.append(p)
    return files


def validate_paths(paths: list[Path]) -> tuple[list[Question], list[Problem]]:
    """Validate question files (or directories of them); duplicate ids across files are errors."""
    from quiz import syllabus
    from quiz.exercises import load_all

    try:
        syllabus.load()  # the map every item's ids are checked against: its own problems come first
    except BankError as e:
        return [], list(e.problems)
    problems: list[Problem] = []
    exercises = load_all()
    names = set(exercises)
    out: list[Question] = []
    seen: dict[str, Question] = {}
    set_lines: dict[tuple[str, str], int] = {}
    shipped = resources.bank_dir().resolve()
    for group in paths:
        found: list[Question] = []
        for path in question_files([group]):
            if not path.exists():
                problems.append(Problem(path, 0, "", "no such file or directory"))
                continue
            found.extend(validate_file(path, problems, names, set_lines=set_lines))
        if group.is_dir() and group.resolve() == shipped:  # the shipped bank asks every exercise's blanks
            found.extend(code_items(exercises))
        _add(found, exercises, seen, out, problems, set_lines)
    return out, problems


def code_items(exercises: dict) -> list[Question]:
    """The code-choice items, derived from the exercises: one per blank (its four options and
    answer are the blank's; day, section, syllabus and source are the exercise's)."""
    from quiz.kinds.code import CodeSpec

    out = []
    for ex in exercises.values():
        for blank, ident in zip(ex.blanks, ex.code_item_ids()):
            raw = {"id": ident, "day": ex.day, "section": ex.section, "type": "code", "source": ex.source,
                   "exercise": ex.name, "tags": ["code"]}
            if blank is not ex.blanks[0]:
                raw["blank"] = blank.label
            out.append(Question(
                id=ident, day=ex.day, section=ex.section, type="code", source=ex.source, prompt={}, explanation={},
                spec=CodeSpec(exercise=ex.name, blank=blank.label), tags=("code",), syllabus=ex.syllabus,
                file=str(ex.path), line=1, content_hash=_item_hash(raw)))
    return out


def _add(found: list[Question], exercises: dict, seen: dict, out: list[Question], problems: list[Problem],
         set_lines: dict | None = None) -> None:
    """Append the items, an id seen before being an error; a code item inherits its exercise's ids.
    A set's id is unique too, among sets (across files) and items: said once, at the later of the two."""
    set_lines = set_lines or {}

    def set_at(q) -> int:
        return set_lines.get((q.file, q.set_id), q.line)

    for q in found:
        if q.id in seen:
            other = seen[q.id]
            problems.append(Problem(Path(q.file), q.line, f"{q.id}.id", f"duplicate id (also at {other.file}:{other.line})"))
            continue
        if not q.syllabus and q.type == "code" and q.exercise in exercises:
            q = replace(q, syllabus=exercises[q.exercise].syllabus)
        if q.set_id is not None:
            first = seen.setdefault(f"set:{q.set_id}", q)
            if first.file != q.file:
                if f"dupset:{q.file}:{q.set_id}" not in seen:
                    seen[f"dupset:{q.file}:{q.set_id}"] = q
                    problems.append(Problem(Path(q.file), set_at(q), f"{q.set_id}.id",
                                            f"duplicate set id (also at {first.file}:{set_at(first)})"))
                continue
        seen[q.id] = q
        out.append(q)
    order = {id(q): k for k, q in enumerate(out)}
    for q in out:
        item = seen.get(q.set_id) if q.set_id is not None else None
        if item is None or item.set_id == q.set_id or f"clash:{q.set_id}" in seen:
            continue
        seen[f"clash:{q.set_id}"] = q
        if order.get(id(item), -1) > order[id(q)]:  # the item came later: the problem is there
            problems.append(Problem(Path(item.file), item.line, f"{item.id}.id",
                                    f"this id is a question set's id ({q.file}:{set_at(q)})"))
        else:
            problems.append(Problem(Path(q.file), set_at(q), f"{q.set_id}.id",
                                    f"a set's id is also an item's id ({item.file}:{item.line})"))


def default_paths() -> list[Path]:
    paths = [resources.bank_dir()]
    user = os.environ.get(USER_DIR_ENV)
    if user:
        paths.append(Path(user).expanduser())
    return paths


def _fingerprint(files: list[Path]) -> str:
    from quiz import syllabus

    h = hashlib.sha256(f"v{CACHE_VERSION}:{syllabus.fingerprint()}".encode())
    for f in files + sorted((resources.bank_dir() / "exercises").glob("*.yaml")):
        h.update(str(f).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:24]


def load(paths: list[Path] | None = None) -> list[Question]:
    """Every question of the shipped bank (and $RABBIT_BANK), validated; raises BankError."""
    paths = paths or default_paths()
    for p in paths[1:]:
        if not p.exists():
            raise BankError([Problem(p, 0, USER_DIR_ENV, "the directory of your own questions does not exist")])
    files = question_files(paths)
    from quiz import bankcache

    return jsoncache.cached("bank", _fingerprint(files), lambda: _validated(paths),
                            encode=bankcache.encode, decode=bankcache.decode)


def _validated(paths: list[Path]) -> list[Question]:
    questions, problems = validate_paths(paths)
    if problems:
        raise BankError(problems)
    return questions
