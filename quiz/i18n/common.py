"""Messages more than one command shows, and argument errors every command shares."""

MESSAGES = {
    "misconception": {"ja": "よくある間違い:", "en": "A common mistake:"},
    "explanation": {"ja": "解説", "en": "Explanation"},
    "section": {"ja": "セクション", "en": "Section"},
    "changed": {"ja": "前回の回答後に問題文が変わっています", "en": "this question changed since you last answered it"},
    "no_file": {"ja": "ファイルがありません: {path}", "en": "no such file: {path}"},
    "bad_day": {"ja": "{what} は day1〜day4 (または 1〜4) で指定してください: {got!r}", "en": "{what} must be day1-day4 (or 1-4), got {got!r}"},
    "bad_shell": {"ja": "シェルは {shells} のいずれかで指定してください: {got!r}", "en": "SHELL must be one of {shells}, got {got!r}"},
}
