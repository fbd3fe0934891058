"""Question sets: three or four items about one shared context, asked together and in order.

A question file's `sets:` entry gives the context once and its items; each item becomes an
ordinary Question that knows its set (`set_id`) and the context (bank/SCHEMA.md, "Question sets").
`units` groups a list of items into what a session serves as one: a set's items together, in the
set's order, or a single item.
"""

from __future__ import annotations

from pathlib import Path

from quiz.problems import Problem, check_text

SIZES = (3, 4)  # items in a set, as the exam asks them
INHERITED = ("day", "stage", "section", "source", "framework")  # an item takes these from its set
SET_FIELDS = {"id", "day", "stage", "section", "syllabus", "source", "framework", "context", "items", "tags"}


def validate_set(raw, path: Path, problems: list[Problem], exercise_names: set[str], at: int = 0,
                 seen: set[str] | None = None, lines: dict | None = None) -> list:
    """The items of one `sets:` entry, each validated as a question with the set's day, section,
    source and framework (and its syllabus ids and tags where the item gives none)."""
    from quiz import bank, yamlio

    if not isinstance(raw, dict):
        problems.append(Problem(path, getattr(raw, "line", at), "", "each set must be a mapping (id: ..., context: ..., items: [...])"))
        return []
    start = len(problems)
    line = raw.line_of if isinstance(raw, yamlio.LineDict) else (lambda k: at)
    set_line = getattr(raw, "line", at)
    ident = raw.get("id")
    label = f"{ident}." if isinstance(ident, str) else ""
    for key, dup_line in getattr(raw, "duplicate_keys", []):
        problems.append(Problem(path, dup_line, f"{label}{key}", "field given twice"))
    for key in raw:
        if key not in SET_FIELDS:
            problems.append(Problem(path, line(key), f"{label}{key}",
                                    f"unknown field for a question set; allowed: {', '.join(sorted(SET_FIELDS))}"))
    for key in ("id", "section", "source", "context", "items"):
        if key not in raw:
            problems.append(Problem(path, set_line, f"{label}{key}", "missing field"))
    if not isinstance(ident, str) or not ident.strip() or any(c.isspace() for c in ident):
        if "id" in raw:
            problems.append(Problem(path, line("id"), "id", "expected a stable id without spaces, e.g. d2.s4.set-conv-shapes"))
        ident = None
    else:
        if seen is not None:
            if ident in seen:
                problems.append(Problem(path, line("id"), f"{label}id", "duplicate set id (another set of this file has it)"))
            seen.add(ident)
        if lines is not None:
            lines.setdefault((str(path), ident), line("id"))
    context = {"ja": "-", "en": "-"}  # a stand-in while the context is wrong: the items are still checked
    if "context" in raw:
        before = len(problems)
        check_text(raw["context"], problems, path, line("context"), f"{label}context")
        if len(problems) == before:
            context = dict(raw["context"])
    given = _own_fields(raw, ident, path, problems, label, line, set_line)
    items = raw.get("items")
    if not isinstance(items, list):
        if "items" in raw:
            problems.append(Problem(path, line("items"), f"{label}items", f"a set holds 3 or 4 items, asked in order; got {items!r}"))
        return []
    if len(items) not in SIZES:
        problems.append(Problem(path, line("items"), f"{label}items", f"a set holds 3 or 4 items, asked in order; got {len(items)}"))
    lines = getattr(items, "item_lines", [])
    out = []
    for i, item in enumerate(items):
        at_item = lines[i] if i < len(lines) else set_line
        merged = _merged(item, given, path, problems, label, i, at_item)
        if merged is None:
            continue
        q = bank.validate_item(merged, path, problems, exercise_names, at_item,
                               in_set=(ident, context, i + 1))
        if q is not None:
            out.append(q)
    return out if len(problems) == start else []


def _own_fields(raw, ident, path: Path, problems: list[Problem], label: str, line, set_line: int):
    """The set's own day (or stage), section, source, framework, tags and syllabus ids, each checked
    once here (as the set's, at its line); a wrong one is replaced by a stand-in, so that the items
    are still checked without the same problem said again for each of them."""
    from quiz import bank, syllabus, yamlio

    given = yamlio.LineDict(raw)
    given.line, given.key_lines, given.duplicate_keys = set_line, dict(getattr(raw, "key_lines", {})), []

    def stand_in(key: str, value) -> None:
        given[key] = value

    if ("day" in raw) == ("stage" in raw):
        problems.append(Problem(path, line("stage") if "stage" in raw else set_line, f"{label}day",
                                "give exactly one of day: 1-4 or stage: math|ml"))
        given.pop("stage", None)
        stand_in("day", 1)
    else:
        before = len(problems)
        bank._day_of(raw, ident, path, line, label, problems)
        if len(problems) > before:
            given.pop("stage", None)
            stand_in("day", 1)
    if "section" in raw and (not bank._is_int(raw["section"]) or raw["section"] < 0):
        problems.append(Problem(path, line("section"), f"{label}section", f"expected a section number (0 or more), got {raw['section']!r}"))
        stand_in("section", 0)
    if "source" in raw and raw["source"] not in bank.SOURCES:
        problems.append(Problem(path, line("source"), f"{label}source", f"expected one of {', '.join(bank.SOURCES)}, got {raw['source']!r}"))
        stand_in("source", "original")
    if "framework" in raw and raw["framework"] not in bank.FRAMEWORKS:
        problems.append(Problem(path, line("framework"), f"{label}framework",
                                f"expected one of {', '.join(bank.FRAMEWORKS)}, got {raw['framework']!r}"))
        given.pop("framework")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(Problem(path, line("tags"), f"{label}tags", "expected a list of words"))
        given.pop("tags")
    if "syllabus" in raw:
        before = len(problems)
        syllabus.check_ids(raw["syllabus"], problems, path, line("syllabus"), f"{label}syllabus")
        if len(problems) > before:
            stand_in("syllabus", [next(iter(syllabus.load().topics))])
    for key in ("section", "source"):  # missing: said once above; the items get a stand-in
        if key not in raw:
            stand_in(key, 0 if key == "section" else "original")
    return given


def _merged(item, raw, path: Path, problems: list[Problem], label: str, i: int, at: int):  # noqa: C901
    """The item with its set's fields filled in (and their lines, so an error there names the set's line)."""
    from quiz import yamlio

    where = f"{label}items[{i + 1}]"
    if not isinstance(item, dict):
        problems.append(Problem(path, at, where, "each item of a set must be a mapping (id: ..., type: ...)"))
        return None
    bad = False
    for key in INHERITED:
        if key in item:
            problems.append(Problem(path, item.line_of(key) if isinstance(item, yamlio.LineDict) else at,
                                    f"{where}.{key}", f"given by the set: an item of a set takes its {key} from the set"))
            bad = True
    if item.get("type") == "code":
        problems.append(Problem(path, item.line_of("type") if isinstance(item, yamlio.LineDict) else at,
                                f"{where}.type", "a set's items are not code items (an exercise's code items stand alone)"))
        bad = True
    if bad:
        return None
    merged = yamlio.LineDict(item)
    merged.line = getattr(item, "line", at)
    merged.key_lines = dict(getattr(item, "key_lines", {}))
    merged.duplicate_keys = list(getattr(item, "duplicate_keys", []))
    for key in (*INHERITED, "syllabus", "tags"):
        if key in raw and key not in item:
            merged[key] = raw[key]
            merged.key_lines[key] = raw.line_of(key) if isinstance(raw, yamlio.LineDict) else at
    return merged


def units(items: list) -> list[list]:
    """The items grouped as a session serves them: the items of a set together, in the set's order
    (where the first of them stood), every other item on its own."""
    out: list[list] = []
    by_set: dict[str, list] = {}
    for q in items:
        sid = getattr(q, "set_id", None)
        if sid is None:
            out.append([q])
        elif sid in by_set:
            by_set[sid].append(q)
        else:
            by_set[sid] = [q]
            out.append(by_set[sid])
    for group in by_set.values():
        group.sort(key=position)
    return out


def position(q) -> int:
    """An item's place in its set (from 1), as the set lists it."""
    return getattr(q, "set_index", 0)


def take(units_: list[list], count: int | None) -> list:
    """Whole units, in order, up to `count` items: a set that would overrun the count is passed over
    for the units after it (so a session of 10 is 10 where the bank allows); if no unit fits at all,
    the first one is served whole."""
    if count is None:
        return [q for u in units_ for q in u]
    out: list = []
    for u in units_:
        if len(out) >= count:
            break
        if len(out) + len(u) <= count:
            out.extend(u)
    return out or (list(units_[0]) if units_ and count > 0 else [])
