"""User-facing strings in Japanese (default) and English."""

from __future__ import annotations

import os

LANGS = ("ja", "en")


def pick_lang(flag: str | None = None) -> str:
    """--lang, else RABBIT_LANG, else ja. Anything else is a usage error (exit 2), in both languages
    since we cannot know which one the learner reads."""
    import sys

    source, value = ("--lang", flag) if flag is not None else ("RABBIT_LANG", os.environ.get("RABBIT_LANG"))
    lang = (value or "").strip().lower() or "ja"
    if lang in LANGS:
        return lang
    print(f"rabbit: {source} は ja (日本語) か en (English) です: {value!r} / "
          f"{source} must be ja (Japanese) or en (English), got {value!r}", file=sys.stderr)
    raise SystemExit(2)


def text(value: dict | str, lang: str) -> str:
    """A bank text ({ja, en}) in the learner's language."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("ja") or value.get("en") or ""
    return str(value)


M = {
    # verdict reasons
    "blank": {"ja": "空欄 ({label}) がまだ埋まっていません。", "en": "blank ({label}) is not filled in yet."},
    "timeout": {"ja": "制限時間内に終わりませんでした (無限ループ?)。", "en": "did not finish within the time limit (an infinite loop?)."},
    "cpu": {"ja": "CPU 時間の上限を超えたため停止しました (無限ループ?)。", "en": "stopped: it used more CPU time than allowed (an infinite loop?)."},
    "memory": {"ja": "メモリの上限を超えました。", "en": "ran out of the memory it is allowed."},
    "output_limit": {"ja": "出力やファイル書き込みが上限を超えました。", "en": "wrote more output or file data than allowed."},
    "too_large": {"ja": "返された結果が大きすぎます。", "en": "the result it sent back is too large."},
    "no_result": {"ja": "結果を返す前にプログラムが終了しました (sys.exit や os._exit?)。", "en": "the program ended before returning any result (sys.exit or os._exit?)."},
    "garbled": {"ja": "結果を読み取れませんでした (採点側のデータが改ざんされた可能性)。", "en": "its result could not be read (something tampered with the grading data)."},
    "load": {"ja": "コードを読み込めませんでした:", "en": "the code could not be loaded:"},
    # case failures
    "case_error": {"ja": "ケース「{case}」で例外が発生しました:", "en": "case “{case}” raised an exception:"},
    "case_shape": {"ja": "ケース「{case}」: {output} の形が違います。期待 {expected}、実際 {actual}", "en": "case “{case}”: {output} has the wrong shape: expected {expected}, got {actual}"},
    "case_missing": {"ja": "ケース「{case}」: {output} が返されていません。", "en": "case “{case}”: {output} was not returned."},
    "case_nonfinite": {"ja": "ケース「{case}」: {output}{where} が {value} です (NaN/inf)。", "en": "case “{case}”: {output}{where} is {value} (NaN/inf)."},
    "case_mismatch": {"ja": "ケース「{case}」: {output} の値が違います。最大の差 {diff:.3g} ({output}{where}: 期待 {expected:.6g}、実際 {actual:.6g})", "en": "case “{case}”: {output} has wrong values. Largest difference {diff:.3g} at {output}{where}: expected {expected:.6g}, got {actual:.6g}"},
    "hint_transposed": {"ja": "ヒント: 転置になっているようです (軸の順序を確認)。", "en": "hint: it looks transposed (check the order of the axes)."},
    "hint_sign": {"ja": "ヒント: 符号が逆になっています。", "en": "hint: the sign is flipped."},
    "passed": {"ja": "正解！ {name}: {n}/{n} ケースすべて一致しました ({seconds:.2f} 秒)。", "en": "Passed! {name}: all {n}/{n} cases match ({seconds:.2f} s)."},
    "failed": {"ja": "不合格: {name} ({ok}/{n} ケース一致)", "en": "Failed: {name} ({ok}/{n} cases match)"},
    "misconception": {"ja": "よくある間違い:", "en": "A common mistake:"},
    "learner_output": {"ja": "あなたのコードの出力:", "en": "Your code printed:"},
    "more_failures": {"ja": "…ほか {n} ケースも不一致", "en": "…and {n} more failing case(s)"},
    "next_hint": {"ja": "行き詰まったら: rabbit hint {name}", "en": "Stuck? rabbit hint {name}"},
    # commands
    "status_not_started": {"ja": "未着手", "en": "not started"},
    "status_failed": {"ja": "未合格", "en": "failed"},
    "status_passed": {"ja": "合格", "en": "passed"},
    "unknown_exercise": {"ja": "演習「{name}」はありません。次のいずれかを指定してください: {names}", "en": "no exercise named “{name}”. Use one of: {names}"},
    "unknown_exercise_close": {"ja": "演習「{name}」はありません。もしかして {close} ですか？ (演習: {names})", "en": "no exercise named “{name}”. Did you mean {close}? (exercises: {names})"},
    "edit_here": {"ja": "このファイルを編集して `rabbit submit {name}` で提出:", "en": "Edit this file, then run `rabbit submit {name}`:"},
    "no_file": {"ja": "ファイルがありません: {path}", "en": "no such file: {path}"},
    "both_file_answer": {"ja": "--file と --answer は同時に指定できません。どちらか一方にしてください。", "en": "--file and --answer cannot be used together; pick one."},
    "bad_answer": {"ja": "--answer は Python の式 1 つか、選択肢の番号にしてください ({error})。例: --answer \"x * y + z\"、--answer 2 (`rabbit show {name}` の選択肢 2)", "en": "--answer must be one Python expression or an option number ({error}). Examples: --answer \"x * y + z\", --answer 2 (option 2 of `rabbit show {name}`)"},
    "chosen_option": {"ja": "選択肢 {n}: `{code}`", "en": "option {n}: `{code}`"},
    "no_option": {"ja": "選択肢 {number} はありません。選択肢は 1〜{count} です (`rabbit show {name}` で一覧)。式を渡すなら --answer \"x * y + z\" のように書きます。", "en": "there is no option {number}: the options are 1–{count} (`rabbit show {name}` lists them). To pass an expression, write it like --answer \"x * y + z\"."},
    "hint_tier": {"ja": "ヒント {tier}/{total}", "en": "Hint {tier}/{total}"},
    "hint_last": {"ja": "これが最後のヒントです。解説は合格後に `rabbit show {name}` で表示されます。", "en": "That was the last hint. The explanation appears in `rabbit show {name}` once you pass."},
    "reset_done": {"ja": "{path} をテンプレートの状態に戻しました。以前の内容はバックアップ {backup} に保存しました (バックアップは {pattern} の形の名前で、古い順に並びます)。", "en": "restored {path} from the template. Your previous version is saved as {backup} (backups are named {pattern} and sort oldest first)."},
    "reset_kept": {"ja": "{path} をテンプレートの状態に戻しました。以前の内容と同じものがバックアップ {backup} にすでにあるので、新しいバックアップは作っていません。", "en": "restored {path} from the template. Your previous version was already saved as {backup}, so no new backup was written."},
    "reset_untouched": {"ja": "{path} はテンプレートのままなので、何も変更していません。", "en": "{path} is unchanged from the template; nothing to reset."},
    "reset_failed": {"ja": "{path} を戻せませんでした ({error})。ファイルは変更していません。", "en": "could not reset {path} ({error}); the file was not changed."},
    "reset_fresh": {"ja": "{path} をテンプレートから作成しました。", "en": "created {path} from the template."},
    "watching": {"ja": "保存するたびに採点します (q + Enter または Ctrl-C で終了)。", "en": "Every save is graded (q + Enter or Ctrl-C to stop)."},
    "watch_blank": {"ja": "このファイルの空欄（{blank}）を埋めて保存してください (行き詰まったら rabbit hint {name}):", "en": "Fill in blank ({blank}) in this file and save it (stuck? rabbit hint {name}):"},
    "watch_keys": {"ja": "終了するには q を入力して Enter。それ以外の入力は無視します。", "en": "Type q and Enter to stop watching; anything else is ignored."},
    "watch_stopped": {"ja": "監視を終了しました。", "en": "Stopped watching."},
    "watch_all_done": {"ja": "すべての演習に合格しています。おめでとうございます！", "en": "Every exercise has passed. Well done!"},
    "not_recorded": {"ja": "(空欄が残っているため記録していません)", "en": "(not recorded: a blank is still empty)"},
    "explanation": {"ja": "解説", "en": "Explanation"},
    "options": {"ja": "選択肢", "en": "Options"},
}


def t(key: str, lang: str, **kw) -> str:
    return M[key][lang].format(**kw)
