"""Text that came from a box, made harmless to show: data, never terminal control.

Everything a submission can write (exception text, tracebacks, printed output) passes through
clean() where it enters rabbit, so a terminal, a CSV file, a JSON document or the attempt log
only ever receives printable text. Characters that could move the cursor, recolour, set the
clipboard (OSC 52), reorder the line (bidi overrides) or not be encoded at all (lone
surrogates) are shown as Python-style escapes: ESC becomes the four characters `\\x1b`.
"""

from __future__ import annotations

import math
import unicodedata

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as the start of a formula


_NAMED = {"\t": "\\t", "\r": "\\r", "\n": "\\n"}


def _escaped(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    n = ord(ch)
    if n < 0x100:
        return f"\\x{n:02x}"
    if n < 0x10000:
        return f"\\u{n:04x}"
    return f"\\U{n:08x}"


def _harmless(ch: str) -> bool:
    # isprintable() is False for control (Cc), format (Cf: bidi, zero-width), surrogate (Cs),
    # private-use and unassigned characters and for separators other than " "; spaces such as
    # the ideographic space of Japanese text (Zs) are kept, line and paragraph separators are not
    return ch.isprintable() or unicodedata.category(ch) == "Zs"


def _line(text: str) -> str:
    if text.isprintable():  # the common case, at C speed
        return text
    return "".join(ch if _harmless(ch) else _escaped(ch) for ch in text)


def clean(text: object, multiline: bool = True) -> str:
    """`text` with every character that is not plain printable text shown escaped.

    With `multiline`, "\\n" is kept (tracebacks, printed output); without, it is escaped too.
    Anything that is not a str (a box can send numbers where text belongs) is shown by repr().
    """
    if not isinstance(text, str):
        text = repr(text)
    if not multiline:
        return _line(text)
    return "\n".join(_line(part) for part in text.split("\n"))


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a leading =, +, -, @ would start a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def json_ready(value: object) -> object:
    """`value` with NaN and infinities replaced by None, for json.dumps(allow_nan=False)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value
