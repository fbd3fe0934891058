"""Section names (bank/sections.yaml): `Day3 S2 LSTM` wherever a section is shown.

The course stages before Day1, 応用数学 (`math`) and 機械学習 (`ml`), are numbered like days in
course order (STAGES: -2 and -1), so everything that sorts or groups by (day, section) keeps
working; they are labelled `応用数学 S1` / `Applied math S1`.

The YAML is parsed once and cached as JSON under $RABBIT_HOME/cache, keyed by its content, the
way the bank and the exercises are: a warm run reads a small JSON file and never imports yaml.
A missing or broken file costs only the names (labels fall back to `Day3 S2`).
"""

from __future__ import annotations

import hashlib
from functools import cache

from quiz import jsoncache, resources

FILE = "sections.yaml"
STAGES = {"math": -2, "ml": -1}  # stage key -> its number among the days (course order: math, ml, Day1..4)
STAGE_LABELS = {"math": {"ja": "応用数学", "en": "Applied math"}, "ml": {"ja": "機械学習", "en": "Machine learning"}}
_STAGE_OF = {n: key for key, n in STAGES.items()}


def stage_key(day: int) -> str:
    """`day3`, `math` or `ml`: how a day (or stage) is named on the command line."""
    return _STAGE_OF.get(day, f"day{day}")


def parse_stage(text: str) -> int:
    """day1-day4 (or 1-4, d3), math / 応用数学, ml / 機械学習 → the day's (or stage's) number;
    ValueError for anything else."""
    from quiz import session
    from quiz.typed import nfkc

    key = nfkc(text).strip().lower()
    for stage, labels in STAGE_LABELS.items():
        if key in (stage, labels["ja"].lower(), labels["en"].lower()):
            return STAGES[stage]
    try:
        return session.parse_day(key)
    except session.SelectionError:
        raise ValueError(text) from None


def stage_label(day: int, lang: str) -> str:
    """`Day3`, or `応用数学` / `Applied math` for a stage."""
    key = _STAGE_OF.get(day)
    return STAGE_LABELS[key].get(lang, STAGE_LABELS[key]["ja"]) if key else f"Day{day}"


def section_name(day: int, section: int, lang: str) -> str | None:
    """The section's name in `lang` (ja or en), or None for a section the course does not name."""
    entry = names().get((day, section))
    return (entry.get(lang) or entry.get("ja")) if entry else None


def section_label(day: int, section: int, lang: str) -> str:
    """`Day3 S2 LSTM` / `Day3 S1 再帰型ニューラルネットワーク` / `応用数学 S1 線形代数`; `Day9 S1` for an
    unnamed section."""
    name = section_name(day, section, lang)
    return f"{stage_label(day, lang)} S{section}" + (f" {name}" if name else "")


@cache
def names() -> dict[tuple[int, int], dict[str, str]]:
    """(day, section) -> {"ja": ..., "en": ...} (a stage's sections under its number, STAGES)."""
    try:
        raw = (resources.bank_dir() / FILE).read_bytes()
    except OSError:
        return {}
    return jsoncache.cached("sections", hashlib.sha256(raw).hexdigest()[:16], lambda: _by_section(_parse(raw)),
                            encode=_rows, decode=_by_section)


def _by_section(rows: list[list]) -> dict[tuple[int, int], dict[str, str]]:
    return {(d, s): {"ja": ja, "en": en} for d, s, ja, en in rows}


def _rows(by_section: dict[tuple[int, int], dict[str, str]]) -> list[list]:
    return [[d, s, entry["ja"], entry["en"]] for (d, s), entry in by_section.items()]


def _parse(raw: bytes) -> list[list]:
    """[[day, section, ja, en], ...]; entries that are not {ja, en} strings are left out."""
    import yaml

    try:
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    rows = []
    for day, sections in (data or {}).items() if isinstance(data, dict) else ():
        day = STAGES.get(day, day)
        for section, entry in (sections or {}).items() if isinstance(sections, dict) else ():
            if (isinstance(day, int) and isinstance(section, int) and isinstance(entry, dict)
                    and all(isinstance(entry.get(k), str) and entry[k].strip() for k in ("ja", "en"))):
                rows.append([day, section, entry["ja"].strip(), entry["en"].strip()])
    return sorted(rows)
