"""User-facing strings in Japanese (default) and English: one catalogue, one key space.

Each command area keeps its messages in a module of plain dicts here (common, exercises, session,
grade, progress, transfer, syllabus, exam), merged into CATALOGUE; t(key, lang, **kw) is the one lookup. Plain
dicts keep `rabbit --help` and the list commands fast (no yaml, nothing parsed at import).
"""

from __future__ import annotations

import os

from quiz.i18n import common, exam, exercises, grade, progress, session, syllabus, transfer

LANGS = ("ja", "en")


def pick_lang(flag: str | None = None) -> str:
    """--lang, else RABBIT_LANG, else ja. Anything else is a usage error (exit 2), in both languages
    since we cannot know which one the learner reads."""
    import sys

    source, value = ("--lang", flag) if flag is not None else ("RABBIT_LANG", os.environ.get("RABBIT_LANG"))
    lang = (value or "").strip().lower() or "ja"
    if lang in LANGS:
        return lang
    print(f"rabbit: {source} は ja (日本語) か en (English) です: {value!r} / "
          f"{source} must be ja (Japanese) or en (English), got {value!r}", file=sys.stderr)
    raise SystemExit(2)


def text(value: dict | str, lang: str) -> str:
    """A bank text ({ja, en}) in the learner's language."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("ja") or value.get("en") or ""
    return str(value)


AREAS = (common, exercises, session, grade, progress, transfer, syllabus, exam)
CATALOGUE: dict[str, dict[str, str]] = {k: v for area in AREAS for k, v in area.MESSAGES.items()}


def t(key: str, lang: str, /, **kw) -> str:
    """The message `key` in `lang` (ja or en), its {placeholders} filled from kw (a placeholder may
    itself be called key or lang: the first two are positional only)."""
    return CATALOGUE[key][lang].format(**kw)
