"""Plain terminal output for the hot paths (submit, watch): colour only on a terminal, no rich import."""

from __future__ import annotations

import os
import sys

_CODES = {"green": "32", "red": "31", "yellow": "33", "dim": "2", "bold": "1", "cyan": "36"}


def _colour(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def say(text: str = "", *styles: str, stream=None) -> None:
    stream = stream or sys.stdout
    if styles and _colour(stream):
        codes = ";".join(_CODES[s] for s in styles)
        text = f"\x1b[{codes}m{text}\x1b[0m"
    print(text, file=stream)
