"""Line breaking for Japanese and English text in a terminal. Pure: text in, lines out.

Breaks fall between two wide (CJK) characters, between a wide character and a run of narrow
ones, or at spaces (which the break swallows); never inside a run of narrow characters such as
`PyTorch`, `prev_c` or `0.5`, unless that run alone is wider than the line. Closing punctuation
never starts a line and opening brackets never end one (禁則, by pushing the neighbour along).
"""

from __future__ import annotations

import unicodedata

CLOSING = set("。、，．）」』】〕〉》｝］！？・ーゝゞヽヾ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ…‥：；％"
              ")]},.!?:;%")
OPENING = set("（「『【〔〈《｛［([{")


def width(text: str) -> int:
    return sum(_cell(ch) for ch in text)


def _cell(ch: str) -> int:
    if unicodedata.combining(ch) or ch in "\u200b\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _segments(paragraph: str) -> list[tuple[str, str]]:
    """(space before, unbreakable chunk) pairs; a chunk is one wide character or a narrow run."""
    out: list[tuple[str, str]] = []
    space, run = "", ""
    for ch in paragraph:
        if ch == " ":
            if run:
                out.append((space, run))
                space, run = "", ""
            space += ch
        elif _cell(ch) == 2:
            if run:
                out.append((space, run))
                space, run = "", ""
            out.append((space, ch))
            space = ""
        else:
            run += ch
    if run:
        out.append((space, run))
    return out


def _glue(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join a chunk that starts with closing punctuation to the one before it, and a chunk that
    ends with an opening bracket to the one after it."""
    out: list[tuple[str, str]] = []
    for space, chunk in segments:
        if out and (chunk[0] in CLOSING or out[-1][1][-1] in OPENING):
            before, prev = out.pop()
            out.append((before, prev + space + chunk))
        else:
            out.append((space, chunk))
    return out


def _cut(chunk: str, limit: int) -> list[str]:
    """Last resort for a chunk wider than the line: cut it, never before closing punctuation."""
    pieces, current, used = [], "", 0
    for ch in chunk:
        w = _cell(ch)
        if current and used + w > limit and ch not in CLOSING:
            pieces.append(current)
            current, used = "", 0
        current += ch
        used += w
    if current:
        pieces.append(current)
    return pieces


def fold(text: str, limit: int) -> list[str]:
    """The lines of `text` no wider than `limit` cells (each newline starts a new line)."""
    limit = max(limit, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        indent = paragraph[: len(paragraph) - len(paragraph.lstrip(" "))]
        current, used = indent, width(indent)
        for space, chunk in _glue(_segments(paragraph[len(indent):])):
            w = width(chunk)
            if current.strip() and used + len(space) + w <= limit:
                current += space + chunk
                used += len(space) + w
                continue
            if current.strip():
                lines.append(current)
                current, used = "", 0
            if used + w <= limit:
                current, used = current + chunk, used + w
                continue
            pieces = _cut(chunk, limit - used if limit - used >= 2 else limit)
            pieces[0] = current + pieces[0]
            lines.extend(pieces[:-1])
            current, used = pieces[-1], width(pieces[-1])
        lines.append(current)
    return lines
