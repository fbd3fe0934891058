"""Section names (bank/sections.yaml): `Day3 S2 LSTM` wherever a section is shown.

The YAML is parsed once and cached as JSON under $RABBIT_HOME/cache, keyed by its content, the
way the bank and the exercises are: a warm run reads a small JSON file and never imports yaml.
A missing or broken file costs only the names (labels fall back to `Day3 S2`).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache

from quiz import home, resources

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
    cache_file = home.rabbit_home() / "cache" / f"sections-{hashlib.sha256(raw).hexdigest()[:16]}.json"
    try:
        rows = json.loads(cache_file.read_text(encoding="utf-8"))
        return {(d, s): {"ja": ja, "en": en} for d, s, ja, en in rows}
    except (OSError, ValueError, TypeError):
        pass
    rows = _parse(raw)
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        for old in cache_file.parent.glob("sections-*.json"):
            old.unlink(missing_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a read-only home only costs speed
    return {(d, s): {"ja": ja, "en": en} for d, s, ja, en in rows}


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
