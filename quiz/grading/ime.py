"""Characters an IME types that Python rejects (全角スペース, （, 、, ＝ ...): find, name, suggest.

The judge is Python's own parser, run in this process with ast.parse: it parses and never runs
anything, and it rejects a character exactly where the box would (not in strings or comments).
Each rejected character is swapped for its ASCII form in a copy held here, and the parse
repeats, so every such character is found; the learner's file is never changed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_REJECTED = re.compile(r"^invalid (non-printable )?character\b.*?U\+([0-9A-Fa-f]{4,6})")
MAX_FOUND = 20
MAX_SOURCE = 256 * 1024  # characters; beyond this (no real exercise file) the box alone judges

# char -> (ja name, en name, what to type instead; "" = delete it)
_KNOWN = {
    "\u3000": ("全角スペース", "a full-width space", " "),
    "\u00a0": ("ノーブレークスペース", "a no-break space", " "),
    "\u200b": ("ゼロ幅スペース (見えない文字)", "a zero-width space (invisible)", ""),
    "\ufeff": ("BOM (見えない文字)", "a byte-order mark (invisible)", ""),
    "、": ("読点「、」", "the ideographic comma “、”", ","),
    "。": ("句点「。」", "the ideographic full stop “。”", "."),
    "「": ("かぎ括弧「「」", "the corner bracket “「”", '"'),
    "」": ("かぎ括弧「」」", "the corner bracket “」”", '"'),
    "×": ("掛け算記号「×」", "the multiplication sign “×”", "*"),
    "÷": ("割り算記号「÷」", "the division sign “÷”", "/"),
    "\u2212": ("マイナス記号「−」", "the minus sign “−”", "-"),
    "\u2010": ("ハイフン「‐」", "the hyphen “‐”", "-"),
    "\u2013": ("ダッシュ「–」", "the en dash “–”", "-"),
    "\u2014": ("ダッシュ「—」", "the em dash “—”", "-"),
    "\u2018": ("引用符「‘」", "the curly quote “‘”", "'"),
    "\u2019": ("引用符「’」", "the curly quote “’”", "'"),
    "\u201c": ("引用符「“」", "the curly quote “\u201c”", '"'),
    "\u201d": ("引用符「”」", "the curly quote “\u201d”", '"'),
}


@dataclass(frozen=True)
class StrayChar:
    line: int  # 1-based
    column: int  # 1-based, in characters
    char: str
    codepoint: str  # "U+3000"
    replacement: str  # what to type instead; "" = delete it
    name_ja: str
    name_en: str


def describe(ch: str) -> tuple[str, str, str]:
    """(ja name, en name, replacement) for one character."""
    if ch in _KNOWN:
        return _KNOWN[ch]
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and folded.isascii() and folded.strip():
        from quiz.i18n import t

        if folded.isspace():
            return t("stray_fullwidth_space", "ja"), t("stray_fullwidth_space", "en"), " "
        return t("stray_fullwidth", "ja", ch=ch), t("stray_fullwidth", "en", ch=ch), folded
    uname = unicodedata.name(ch, "").lower() or "an unknown character"
    return f"「{ch}」", f"“{ch}” ({uname})", ""


def find(source: str) -> tuple[list[StrayChar], str]:
    """The characters Python rejects in `source`, in order, and Python's first SyntaxError text.

    ([], "") when the source has none (it may still have other syntax errors: the box reports those).
    """
    if source.isascii() or len(source) > MAX_SOURCE:
        return [], ""
    import ast  # only for sources with non-ASCII characters: the common submission skips it
    lines = source.split("\n")
    found: list[StrayChar] = []
    first = ""
    while len(found) < MAX_FOUND:
        try:
            ast.parse("\n".join(lines), filename="submission.py")
            break
        except SyntaxError as e:
            m = _REJECTED.match(e.msg or "")
            if not m or not e.lineno or e.lineno > len(lines):
                break
            ch = chr(int(m.group(2), 16))
            row = lines[e.lineno - 1]
            col = (e.offset or 1) - 1
            if not (0 <= col < len(row) and row[col] == ch):
                col = row.find(ch)
                if col < 0:
                    break
            if not first:
                first = f"  line {e.lineno}: {row.strip()}\nSyntaxError: {e.msg}"
            ja, en, repl = describe(ch)
            found.append(StrayChar(e.lineno, col + 1, ch, f"U+{ord(ch):04X}", repl, ja, en))
            lines[e.lineno - 1] = row[:col] + (repl or " ") + row[col + 1:]
        except (ValueError, RecursionError, MemoryError):  # null bytes, absurd nesting: the box says
            break
    return found, first


def message(s: StrayChar, lang: str, in_answer: bool = False) -> str:
    """One line: where, which character, what to type instead."""
    from quiz.i18n import t

    where = t("stray_at_char", lang, column=s.column) if in_answer else t("stray_at", lang, line=s.line, column=s.column)
    if s.replacement == " ":
        instead = t("stray_space", lang)
    elif s.replacement:
        instead = t("stray_type", lang, text=s.replacement)
    else:
        instead = t("stray_delete", lang)
    name = s.name_en if lang == "en" else s.name_ja
    return t("stray_line", lang, where=where, name=name, codepoint=s.codepoint, instead=instead)


def heading(lang: str) -> str:
    from quiz.i18n import t

    return t("stray_heading", lang)
