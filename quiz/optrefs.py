"""Option numbers inside explanations, renumbered for shuffled options. Pure text functions.

Explanations are written against the bank's order ("選択肢3", "Options 1, 3 and 4"); when the
options are shown in another order, the same text must name the shown numbers. Bare numbers
("正しいのは1・3・5", "3 は誤り") cannot be told from other numbers: `bare_references` finds them,
and an item whose explanation has them keeps its order (`shuffle: false`, checked by the tests).
"""

from __future__ import annotations

import re

_LIST = r"\d(?:\s*(?:[・,、]|,? and|〜|~|–|-|to)\s*\d)*"
_JA = re.compile(r"((?:選択肢|正解は|正しいのは|誤りは|誤っているのは|答えは)\s*)(" + _LIST + ")")
_EN = re.compile(r"(\b(?:[Oo]ptions?|answer is|correct one is|incorrect one is|wrong one is)\s+)(" + _LIST + ")")
_RANGE = re.compile(r"(\d)\s*(?:〜|~|–|-|to)\s*(\d)")
_BARE = [
    re.compile(r"(?:^|[。、\s(（])\d\s*[:：]"),
    re.compile(r"\d\s*(?:は誤り|は正しい|が正しい|が誤り|が正解|と\s*\d)"),
    re.compile(r"(?:^|[.;:]\s)\d(?:(?:, | and )\d)* (?:is|are) (?:correct|wrong|incorrect|right)"),
]


def _numbers(spec: str) -> list[int]:
    spec = _RANGE.sub(lambda m: "・".join(str(i) for i in range(int(m.group(1)), int(m.group(2)) + 1)), spec)
    return [int(d) for d in re.findall(r"\d", spec)]


def _join(numbers: list[int], style: str) -> str:
    words = [str(n) for n in numbers]
    if style == "ja":
        return "・".join(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def renumber(text: str, order: tuple[int, ...]) -> str:
    """`text` with each option reference naming the shown numbers (order[i] is shown as i + 1)."""
    if not text or list(order) == sorted(order):
        return text
    shown = {orig: i + 1 for i, orig in enumerate(order)}

    def swap(style: str):
        def sub(m: re.Match) -> str:
            nums = _numbers(m.group(2))
            if not nums or any(n not in shown for n in nums):
                return m.group(0)
            mapped = sorted(shown[n] for n in nums)
            word = m.group(1)
            if style == "en" and len(mapped) > 1 and word.strip() in ("option", "Option"):  # "options 2 and 3"
                word = word.rstrip() + "s "
            return word + _join(mapped, style)
        return sub

    return _EN.sub(swap("en"), _JA.sub(swap("ja"), text))


def bare_references(text: str) -> list[str]:
    """Option numbers `renumber` cannot see (not after 選択肢 / option): an item with any keeps its order."""
    rest = _EN.sub("", _JA.sub("", text or ""))
    return [m.group(0) for p in _BARE for m in p.finditer(rest)]
