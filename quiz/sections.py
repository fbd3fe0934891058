"""Section names (bank/sections.yaml): `Day3 S2 LSTM` wherever a section is shown.

The YAML is parsed once and cached as JSON under $RABBIT_HOME/cache, keyed by its content, the
way the bank and the exercises are: a warm run reads a small JSON file and never imports yaml.
A missing or broken file costs only the names (labels fall back to `Day3 S2`).
"""

from __future__ import annotations

import hashlib
from functools import cache

from quiz import jsoncache, resources

FILE = "sections.yaml"


def section_name(day: int, section: int, lang: str) -> str | None:
    """The section's name in `lang` (ja or en), or None for a section the course does not name."""
    entry = names().get((day, section))
    return (entry.get(lang) or entry.get("ja")) if entry else None


def section_label(day: int, section: int, lang: str) -> str:
    """`Day3 S2 LSTM` / `Day3 S1 再帰型ニューラルネットワーク`; `Day9 S1` for an unnamed section."""
    name = section_name(day, section, lang)
    return f"Day{day} S{section}" + (f" {name}" if name else "")


@cache
def names() -> dict[tuple[int, int], dict[str, str]]:
    """(day, section) -> {"ja": ..., "en": ...}."""
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
        for section, entry in (sections or {}).items() if isinstance(sections, dict) else ():
            if (isinstance(day, int) and isinstance(section, int) and isinstance(entry, dict)
                    and all(isinstance(entry.get(k), str) and entry[k].strip() for k in ("ja", "en"))):
                rows.append([day, section, entry["ja"].strip(), entry["en"].strip()])
    return sorted(rows)
