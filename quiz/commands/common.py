"""What every command module shares: usage errors (exit 2) and reading a DAY argument."""

from __future__ import annotations

import sys
from typing import NoReturn

def usage(message: str) -> NoReturn:
    """A usage or input error: one line on stderr, exit code 2."""
    print(f"rabbit: {message}", file=sys.stderr)
    raise SystemExit(2)


def parse_day(text: str, lang: str, what: str = "DAY") -> int:
    from quiz import session
    from quiz.i18n import t

    try:
        return session.parse_day(text)
    except session.SelectionError:
        usage(t("bad_day", lang, what=what, got=text))
