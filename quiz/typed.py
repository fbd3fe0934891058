"""What the learner typed, read in one form: NFKC folds what an IME produces (全角 ＊ （ ２ ａ, 半角
ｶﾅ) to the characters meant (* ( 2 a, カナ), and the ends are stripped. Pure and light: a command
may read its arguments with it without importing the answer judges."""

from __future__ import annotations

import unicodedata


def nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()
