"""The question bank: YAML files → validated Question items, cached by content hash.

Validation is strict and kind: every problem is collected with file, line and field, and all
are reported at once (BankError). The cache lives under $RABBIT_HOME/cache and is keyed by a
hash of every bank file, so start-up pays for parsing only when something changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from quiz import home, resources
from quiz.problems import LANGS, BankError, Problem, check_text

TYPES = ("choice", "multi", "numeric", "text", "expr", "describe", "code")
SOURCES = ("confirmation", "challenge", "original")
COMMON = {"id", "day", "section", "type", "source", "prompt", "explanation", "tags"}
PER_TYPE = {
    "choice": {"options", "answer", "shuffle"},
    "multi": {"options", "answer", "shuffle"},
    "numeric": {"answer", "tolerance", "unit"},
    "text": {"accept"},
    "expr": {"answer", "variables"},
    "describe": {"model_answer", "key_points"},
    "code": {"exercise", "shuffle"},
}
REQUIRED = {
    "choice": {"options", "answer"},
    "multi": {"options", "answer"},
    "numeric": {"answer"},
    "text": {"accept"},
    "expr": {"answer", "variables"},
    "describe": {"model_answer", "key_points"},
    "code": {"exercise"},
}
USER_DIR_ENV = "RABBIT_BANK"  # a directory of the learner's own question files
CACHE_VERSION = 2


@dataclass(frozen=True)
class Question:
    id: str
    day: int
    section: int
    type: str
    source: str
    prompt: dict
    explanation: dict
    options: tuple = ()
    answer: object = None
    tolerance: float = 1e-9
    unit: dict | None = None
    accept: tuple = ()
    variables: tuple = ()
    model_answer: dict | None = None
    key_points: tuple = ()
    exercise: str | None = None
    tags: tuple = ()
    shuffle: bool = True  # False: the options keep their written order (they refer to each other)
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    content_hash: str = field(default="", compare=False)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _item_hash(raw: dict) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def validate_item(raw, path: Path, problems: list[Problem], exercise_names: set[str], at: int = 0) -> Question | None:
    from quiz import yamlio

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
    if qtype not in TYPES:
        problems.append(Problem(path, line("type"), f"{label}type", f"expected one of {', '.join(TYPES)}, got {qtype!r}"))
        return None
    allowed = COMMON | PER_TYPE[qtype]
    for key in raw:
        if key not in allowed:
            problems.append(Problem(path, line(key), f"{label}{key}",
                                    f"unknown field for a {qtype} question; allowed: {', '.join(sorted(allowed))}"))
    required = {"id", "day", "section", "type", "source"} | REQUIRED[qtype]
    if qtype != "code":
        required |= {"prompt", "explanation"}
    missing = sorted(required - set(raw))
    for key in missing:
        problems.append(Problem(path, item_line, f"{label}{key}", "missing field"))
    if missing:  # an unknown field alone does not stop the other checks
        return None
    if not isinstance(ident, str) or not ident.strip() or any(c.isspace() for c in ident):
        problems.append(Problem(path, line("id"), "id", "expected a stable id without spaces, e.g. d3.s1.third-weight"))
    if not _is_int(raw["day"]) or not 1 <= raw["day"] <= 4:
        problems.append(Problem(path, line("day"), f"{label}day", f"expected a day 1-4, got {raw['day']!r}"))
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
    kw: dict = {}
    if "shuffle" in raw:
        if not isinstance(raw["shuffle"], bool):
            problems.append(Problem(path, line("shuffle"), f"{label}shuffle",
                                    f"expected true or false, got {raw['shuffle']!r}"))
        kw.update(shuffle=raw["shuffle"] is not False)
    if qtype in ("choice", "multi"):
        options = raw["options"]
        n = len(options) if isinstance(options, list) else 0
        want = "exactly 4" if qtype == "choice" else "4 to 6"
        if not isinstance(options, list) or (qtype == "choice" and n != 4) or (qtype == "multi" and not 4 <= n <= 6):
            problems.append(Problem(path, line("options"), f"{label}options", f"expected {want} options, got {n}"))
        else:
            for i, opt in enumerate(options):
                check_text(opt, problems, path, line("options"), f"{label}options[{i + 1}]")
        answer = raw["answer"]
        if qtype == "choice":
            if not _is_int(answer) or not 1 <= answer <= max(n, 1):
                problems.append(Problem(path, line("answer"), f"{label}answer", f"expected the number of the right option (1-{n}); {answer!r} is not among the options"))
        else:
            if not isinstance(answer, list) or not answer or not all(_is_int(a) for a in answer) \
                    or len(set(answer)) != len(answer) or not all(1 <= a <= n for a in answer):
                problems.append(Problem(path, line("answer"), f"{label}answer", f"expected a list of distinct option numbers 1-{n}; got {answer!r}"))
            else:
                answer = sorted(answer)
        kw.update(options=tuple(dict(o) for o in options) if isinstance(options, list) else (), answer=answer)
    elif qtype == "numeric":
        answer = raw["answer"]
        if not (_is_num(answer) or (isinstance(answer, list) and answer and all(_is_num(a) for a in answer))):
            problems.append(Problem(path, line("answer"), f"{label}answer", f"expected a number or a list of numbers such as [3, 3]; got {answer!r}"))
        tol = raw.get("tolerance", 1e-9)
        if not _is_num(tol) or tol < 0:
            problems.append(Problem(path, line("tolerance"), f"{label}tolerance", "expected a number >= 0"))
        if "unit" in raw:
            check_text(raw["unit"], problems, path, line("unit"), f"{label}unit")
        kw.update(answer=list(answer) if isinstance(answer, list) else answer, tolerance=float(tol) if _is_num(tol) else 0.0,
                  unit=dict(raw["unit"]) if isinstance(raw.get("unit"), dict) else None)
    elif qtype == "text":
        accept = raw["accept"]
        if not isinstance(accept, list) or not accept or not all(isinstance(a, (str, int, float)) for a in accept):
            problems.append(Problem(path, line("accept"), f"{label}accept", "expected a non-empty list of accepted answers"))
            accept = []
        kw.update(accept=tuple(str(a) for a in accept))
    elif qtype == "expr":
        from quiz import exprs

        variables = raw["variables"]
        if not isinstance(variables, list) or not all(isinstance(v, str) and v.isidentifier() for v in variables):
            problems.append(Problem(path, line("variables"), f"{label}variables", "expected a list of variable names, e.g. [x, y]"))
            variables = []
        try:
            exprs.parse(str(raw["answer"]), list(variables))
        except exprs.ExprError as e:
            problems.append(Problem(path, line("answer"), f"{label}answer", f"the key is not a readable formula in {variables}: {e}"))
        kw.update(answer=str(raw["answer"]), variables=tuple(variables))
    elif qtype == "describe":
        check_text(raw["model_answer"], problems, path, line("model_answer"), f"{label}model_answer")
        points = raw["key_points"]
        if not isinstance(points, list) or not points:
            problems.append(Problem(path, line("key_points"), f"{label}key_points", "expected a list of key points"))
            points = []
        for i, kp in enumerate(points):
            where = f"{label}key_points[{i + 1}]"
            kline = getattr(kp, "line", line("key_points"))
            check_text(kp, problems, path, kline, where)
            words = kp.get("keywords") if isinstance(kp, dict) else None
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
                problems.append(Problem(path, kline, f"{where}.keywords", "expected a non-empty list of keywords"))
        kw.update(model_answer=dict(raw["model_answer"]) if isinstance(raw["model_answer"], dict) else None,
                  key_points=tuple(dict(k) for k in points if isinstance(k, dict)))
    elif qtype == "code":
        if not isinstance(raw["exercise"], str) or raw["exercise"] not in exercise_names:
            problems.append(Problem(path, line("exercise"), f"{label}exercise",
                                    f"no exercise named {raw['exercise']!r}; known: {', '.join(sorted(exercise_names))}"))
        kw.update(exercise=raw["exercise"])
    if len(problems) > start:
        return None
    return Question(
        id=ident, day=raw["day"], section=raw["section"], type=qtype, source=raw["source"],
        prompt=dict(raw.get("prompt") or {}), explanation=dict(raw.get("explanation") or {}),
        tags=tuple(tags), file=str(path), line=item_line, **kw,
        # the text is what the learner answered; whether its options are shuffled is not part of it
        content_hash=_item_hash({k: v for k, v in raw.items() if k != "shuffle"}),
    )


def validate_file(path: Path, problems: list[Problem], exercise_names: set[str], text: str | None = None) -> list[Question]:
    from quiz import yamlio

    try:
        data = yamlio.load(path, text)
    except yamlio.YamlSyntaxError as e:
        problems.append(Problem(path, e.line, "", e.message))
        return []
    except (OSError, UnicodeDecodeError) as e:
        problems.append(Problem(path, 0, "", f"cannot read: {e}"))
        return []
    if not isinstance(data, dict) or "questions" not in data:
        problems.append(Problem(path, getattr(data, "line", 1), "questions", "a question file is a mapping with one key, questions: [...]"))
        return []
    for key in data:
        if key != "questions":
            problems.append(Problem(path, data.line_of(key), key, "unknown top-level field; expected only questions"))
    items = data["questions"]
    if not isinstance(items, list):
        problems.append(Problem(path, data.line_of("questions"), "questions", "expected a list of questions"))
        return []
    out = []
    lines = getattr(items, "item_lines", [])
    for i, raw in enumerate(items):
        q = validate_item(raw, path, problems, exercise_names, lines[i] if i < len(lines) else 0)
        if q is not None:
            out.append(q)
    return out


def exercise_names() -> set[str]:
    from quiz.exercises import load_all

    return set(load_all())


def question_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            # the shipped bank's sections.yaml holds the section names (quiz.sections), not questions
            names = p / "sections.yaml" if p.resolve() == resources.bank_dir().resolve() else None
            files.extend(sorted(f for f in p.rglob("*.yaml") if "exercises" not in f.relative_to(p).parts and f != names))
        else:
            files.append(p)
    return files


def validate_paths(paths: list[Path]) -> tuple[list[Question], list[Problem]]:
    """Validate question files (or directories of them); duplicate ids across files are errors."""
    problems: list[Problem] = []
    names = exercise_names()
    out: list[Question] = []
    seen: dict[str, Question] = {}
    for path in question_files(paths):
        if not path.exists():
            problems.append(Problem(path, 0, "", "no such file or directory"))
            continue
        for q in validate_file(path, problems, names):
            if q.id in seen:
                other = seen[q.id]
                problems.append(Problem(path, q.line, f"{q.id}.id", f"duplicate id (also at {other.file}:{other.line})"))
                continue
            seen[q.id] = q
            out.append(q)
    return out, problems


def default_paths() -> list[Path]:
    paths = [resources.bank_dir()]
    user = os.environ.get(USER_DIR_ENV)
    if user:
        paths.append(Path(user).expanduser())
    return paths


def _fingerprint(files: list[Path]) -> str:
    h = hashlib.sha256(f"v{CACHE_VERSION}".encode())
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
    key = _fingerprint(files)
    cache = home.rabbit_home() / "cache" / f"bank-{key}.json"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        return [_from_json(d) for d in data]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    questions, problems = validate_paths(paths)
    if problems:
        raise BankError(problems)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("bank-*.json"):
            old.unlink(missing_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(q) for q in questions], ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only home only costs speed
    return questions


_TUPLES = ("options", "accept", "variables", "key_points", "tags")


def _from_json(d: dict) -> Question:
    for k in _TUPLES:
        d[k] = tuple(d[k])
    return Question(**d)


def text_of(q: Question, key: str, lang: str) -> str:
    value = getattr(q, key)
    if isinstance(value, dict):
        return value.get(lang) or value.get("ja", "")
    return ""


assert set(LANGS) == {"ja", "en"}
