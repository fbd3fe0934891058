"""Messages more than one command shows, and argument errors every command shares."""

MESSAGES = {
    "misconception": {"ja": "よくある間違い:", "en": "A common mistake:"},
    "explanation": {"ja": "解説", "en": "Explanation"},
    "section": {"ja": "セクション", "en": "Section"},
    "changed": {"ja": "前回の回答後に問題文が変わっています", "en": "this question changed since you last answered it"},
    "no_file": {"ja": "ファイルがありません: {path}", "en": "no such file: {path}"},
    "bad_day": {"ja": "{what} は day1〜day4 (または 1〜4) で指定してください: {got!r}", "en": "{what} must be day1-day4 (or 1-4), got {got!r}"},
    "bad_shell": {"ja": "シェルは {shells} のいずれかで指定してください: {got!r}", "en": "SHELL must be one of {shells}, got {got!r}"},
    "bad_framework": {"ja": "{what} は pytorch か tensorflow (両方なら none) で指定してください: {got!r}",
                      "en": "{what} must be pytorch or tensorflow (none: both), got {got!r}"},
    "framework_set": {"ja": "フレームワークを {framework} に設定しました (quiz・review・exam は {framework} の問題だけを出します)。",
                      "en": "Framework set to {framework} (quiz, review and exam leave out the other framework's items)."},
    "framework_cleared": {"ja": "フレームワークの設定を消しました (PyTorch と TensorFlow の両方の問題を出します)。",
                          "en": "Framework setting cleared (both PyTorch and TensorFlow items are served)."},
    "framework_none": {"ja": "フレームワークは未設定です (両方の問題を出します)。選ぶには rabbit config framework pytorch|tensorflow",
                       "en": "No framework set (both are served). To choose: rabbit config framework pytorch|tensorflow"},
    "exam_framework": {"ja": "この模擬試験のフレームワーク問題は {framework} です (本試験と同じく一方だけ。選ぶには --framework pytorch|tensorflow か rabbit config framework)",
                       "en": "This mock exam's framework questions are {framework} (one only, as in the real exam; to choose: --framework pytorch|tensorflow or rabbit config framework)"},
}
