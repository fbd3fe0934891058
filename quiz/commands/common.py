"""What every command module shares: usage errors (exit 2) and reading a DAY argument."""

from __future__ import annotations

import sys
from typing import NoReturn

_BAD_DAY = {"ja": "{what} は day1〜day4 (または 1〜4) で指定してください: {got!r}",
            "en": "{what} must be day1-day4 (or 1-4), got {got!r}"}


def usage(message: str) -> NoReturn:
    """A usage or input error: one line on stderr, exit code 2."""
    print(f"rabbit: {message}", file=sys.stderr)
    raise SystemExit(2)


def parse_day(text: str, lang: str, what: str = "DAY") -> int:
    from quiz import session

    try:
        return session.parse_day(text)
    except session.SelectionError:
        usage(_BAD_DAY[lang].format(what=what, got=text))
