"""The E資格 syllabus (bank/syllabus.yaml): chapter → section → item, each item with an id such as
`3-5-2`, names in ja and en, key terms, a shading hint, and its chapter's result area.

Every question and exercise names syllabus ids (its `syllabus` field); this module is the map
they are checked against and what `rabbit syllabus` and `--topic` read. Parsed once and cached as
JSON under $RABBIT_HOME/cache, keyed by the file's content, so a warm run never imports yaml. A
broken file is a BankError (file, line, field), like a broken question file.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from quiz import jsoncache, resources
from quiz.problems import BankError, Problem

FILE = "syllabus.yaml"
AREAS = ("math", "ml", "dl", "dev")  # the exam's four result areas, in the order of the results sheet
SHADINGS = ("grey", "mixed")


@dataclass(frozen=True)
class Topic:
    """One syllabus item: `3-5-2` ゲート機構 / Gating."""

    id: str
    chapter: int
    section: str  # "3-5"
    area: str  # one of AREAS
    name: dict  # {ja, en}
    section_name: dict
    chapter_name: dict
    terms: dict  # {ja: [...], en: [...]}
    shading: str | None = None


@dataclass(frozen=True)
class Syllabus:
    topics: dict  # id -> Topic, in the outline's order
    areas: dict  # area key -> {ja, en}

    def matching(self, selector: str) -> list[str]:
        """The ids a --topic selector names: an id (`3-5-2`) or a prefix of whole parts (`4-2`, `3`)."""
        sel = selector.strip()
        return [i for i in self.topics if i == sel or i.startswith(sel + "-")]


def path() -> Path:
    return resources.bank_dir() / FILE


def fingerprint() -> str:
    """A hash of the syllabus file (the bank's cache depends on it: ids are validated against it)."""
    try:
        return hashlib.sha256(path().read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


@cache
def load() -> Syllabus:
    """The shipped syllabus; raises BankError if the file is missing or malformed."""
    file = path()
    try:
        raw = file.read_bytes()
    except OSError as e:
        raise BankError([Problem(file, 0, "", f"cannot read the syllabus: {e}")]) from None
    data = jsoncache.cached("syllabus", hashlib.sha256(raw).hexdigest()[:16], lambda: _parse(file, raw),
                            encode=lambda s: {"areas": s.areas, "topics": [asdict(t) for t in s.topics.values()]},
                            decode=lambda d: Syllabus({t["id"]: Topic(**t) for t in d["topics"]}, d["areas"]))
    return data


def _text(value) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k].strip() for k in ("ja", "en"))


def _parse(file: Path, raw: bytes) -> Syllabus:
    from quiz import yamlio

    problems: list[Problem] = []
    try:
        data = yamlio.load(file, raw.decode("utf-8"))
    except yamlio.YamlSyntaxError as e:
        raise BankError([Problem(file, e.line, "", e.message)]) from None
    except UnicodeDecodeError as e:
        raise BankError([Problem(file, 0, "", f"cannot read: {e}")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("areas"), dict) or not isinstance(data.get("chapters"), list):
        raise BankError([Problem(file, getattr(data, "line", 1), "", "the syllabus is a mapping with areas: {...} and chapters: [...]")])
    areas = {}
    for key in AREAS:
        entry = data["areas"].get(key)
        if not _text(entry):
            problems.append(Problem(file, data["areas"].line_of(key), f"areas.{key}", "expected {ja: ..., en: ...}"))
        else:
            areas[key] = {"ja": entry["ja"], "en": entry["en"]}
    topics: dict[str, Topic] = {}
    for chapter in data["chapters"]:
        line = getattr(chapter, "line", 0)
        if not isinstance(chapter, dict) or not isinstance(chapter.get("chapter"), int) or not isinstance(chapter.get("sections"), list):
            problems.append(Problem(file, line, "chapters", "a chapter has chapter: N, ja, en, area and sections: [...]"))
            continue
        n = chapter["chapter"]
        if chapter.get("area") not in AREAS:
            problems.append(Problem(file, chapter.line_of("area"), f"chapters[{n}].area", f"expected one of {', '.join(AREAS)}"))
        chapter_name = {"ja": str(chapter.get("ja", "")), "en": str(chapter.get("en", ""))}
        for section in chapter["sections"]:
            sline = getattr(section, "line", line)
            key = section.get("section") if isinstance(section, dict) else None
            if not isinstance(key, str) or not key.startswith(f"{n}-") or not isinstance(section.get("items"), list):
                problems.append(Problem(file, sline, f"chapters[{n}].sections", f"a section has section: {n}-M, ja, en and items: [...]"))
                continue
            for item in section["items"]:
                iline = getattr(item, "line", sline)
                ident = item.get("id") if isinstance(item, dict) else None
                if not isinstance(ident, str) or not ident.startswith(f"{key}-"):
                    problems.append(Problem(file, iline, f"{key}.id", f"expected an id {key}-K, got {ident!r}"))
                    continue
                if ident in topics:
                    problems.append(Problem(file, iline, f"{ident}.id", "duplicate syllabus id"))
                    continue
                if not _text(item):
                    problems.append(Problem(file, iline, ident, "expected ja and en names"))
                terms = item.get("terms") or {}
                if not isinstance(terms, dict) or not all(isinstance(terms.get(k, []), list) for k in ("ja", "en")):
                    problems.append(Problem(file, item.line_of("terms"), f"{ident}.terms", "expected {ja: [...], en: [...]}"))
                    terms = {}
                shading = item.get("shading")
                if shading is not None and shading not in SHADINGS:
                    problems.append(Problem(file, item.line_of("shading"), f"{ident}.shading", f"expected {' or '.join(SHADINGS)}"))
                topics[ident] = Topic(
                    id=ident, chapter=n, section=key, area=str(chapter.get("area")),
                    name={"ja": str(item.get("ja", "")), "en": str(item.get("en", ""))},
                    section_name={"ja": str(section.get("ja", "")), "en": str(section.get("en", ""))},
                    chapter_name=chapter_name,
                    terms={k: [str(x) for x in terms.get(k, [])] for k in ("ja", "en")},
                    shading=shading,
                )
    if problems:
        raise BankError(problems)
    return Syllabus(topics, areas)


def check_ids(value, problems: list[Problem], where: Path, line: int, field: str) -> tuple[str, ...]:
    """A `syllabus` field: a non-empty list of known ids. Problems are appended; returns the ids."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(Problem(where, line, field, "expected a non-empty list of syllabus ids, e.g. [3-5-2] (rabbit syllabus lists them)"))
        return ()
    known = load().topics
    for v in value:
        if v not in known:
            problems.append(Problem(where, line, field, f"unknown syllabus id {v!r} (rabbit syllabus lists them)"))
    return tuple(value)
