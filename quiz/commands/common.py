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


def bank_or_store_failed(e: Exception) -> NoReturn:
    """The two errors a learner can cause with their files (a bank file, the record): said plainly, exit 2."""
    from quiz.problems import BankError

    if isinstance(e, BankError):
        print("rabbit: the bank has problems / 問題バンクに誤りがあります:", file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
    else:
        print(f"rabbit: {e}", file=sys.stderr)
    raise SystemExit(2)
