"""The terminal view of a quiz or review run: renders each turn's card and reads the answers.

Piped and TTY modes differ only in how a line is read and how text folds; the run itself is
quiz.practice.Session's (what comes next, judging, recording), so the two cannot drift apart.
"""

from __future__ import annotations

import sys

from quiz.i18n import text

L = {
    "card": {"ja": "{where} · {n}/{total} · {kind}", "en": "{where} · {n}/{total} · {kind}"},
    "source_confirmation": {"ja": "確認テスト", "en": "confirmation test"},
    "source_challenge": {"ja": "演習チャレンジ", "en": "course exercise (演習チャレンジ)"},
    "source_original": {"ja": "E資格形式オリジナル", "en": "original, exam style"},
    "correct": {"ja": "✔ 正解", "en": "✔ Correct"},
    "wrong": {"ja": "✘ 不正解", "en": "✘ Wrong"},
    "key_is": {"ja": "正解: {key}", "en": "Answer: {key}"},
    "invalid_choice": {"ja": "1〜{n} の番号で答えてください。", "en": "Answer with a number from 1 to {n}."},
    "invalid_multi": {"ja": "番号をスペースかカンマで区切って答えてください (例: 1 3)。", "en": "Give the numbers separated by spaces or commas (e.g. 1 3)."},
    "invalid_number": {"ja": "数値で答えてください (例: 0.25, 1/4)。", "en": "Answer with a number (e.g. 0.25, 1/4)."},
    "invalid_shape": {"ja": "3x3 のように答えてください。", "en": "Answer like 3x3."},
    "invalid_expr": {"ja": "式として読めません ({why})。例: 2*(x+y)", "en": "Cannot read that as a formula ({why}). Example: 2*(x+y)"},
    "invalid_empty": {"ja": "答えを入力してください (終了は Ctrl-D / Ctrl-C)。", "en": "Type an answer (Ctrl-D or Ctrl-C to stop)."},
    "model_answer": {"ja": "模範解答", "en": "Model answer"},
    "key_points": {"ja": "ポイント (✔ = あなたの答えに含まれる語句が見つかったもの)", "en": "Key points (✔ = your answer mentions it)"},
    "self_grade": {"ja": "自己採点: 正解にしますか? [y/n]", "en": "Grade yourself: count it as correct? [y/n]"},
    "self_grade_again": {"ja": "y (はい) か n (いいえ) で答えてください。受け付ける答え: {accepts}",
                         "en": "Answer y (yes) or n (no). Accepted: {accepts}"},
    "dont_know_hint": {"ja": "わからないときは ? (パス) で解答と解説を表示", "en": "Type ? (or pass) if you don't know: you'll see the answer and why"},
    "passed": {"ja": "→ パス (不正解として記録)", "en": "→ Passed (recorded as a miss)"},
    "bad_count": {"ja": "--count には 1 以上の整数か all を指定してください ({value!r} は使えません)",
                  "en": "--count takes a positive whole number or all, not {value!r}"},
    "explanation": {"ja": "解説", "en": "Explanation"},
    "summary": {"ja": "結果: {correct}/{asked} 問正解", "en": "Result: {correct}/{asked} correct"},
    "stopped": {"ja": "(途中で終了しました。回答済みの {asked} 問は記録されています)", "en": "(stopped early; the {asked} answered question(s) are recorded)"},
    "section": {"ja": "セクション", "en": "Section"},
    "asked": {"ja": "出題", "en": "Asked"},
    "right": {"ja": "正解", "en": "Correct"},
    "rate": {"ja": "正答率", "en": "Rate"},
    "replay": {"ja": "この回の再現 (記録が同じなら同じ問題・同じ順): rabbit quiz day{day}{opts} --seed {seed}",
               "en": "To replay this session (same record, same questions and order): rabbit quiz day{day}{opts} --seed {seed}"},
    "missed_next": {"ja": "間違えた問題だけ復習: rabbit quiz day{day} --missed", "en": "Retry what you missed: rabbit quiz day{day} --missed"},
    "none_found": {"ja": "Day{day}{sec} の問題はありません。セクションは次のとおりです: {sections}", "en": "no questions for Day{day}{sec}. Sections with questions: {sections}"},
    "none_missed": {"ja": "Day{day} で間違えたままの問題はありません。", "en": "Nothing missed in Day{day}."},
    "misconception": {"ja": "よくある間違い:", "en": "A common mistake:"},
    "prompt": {"ja": "回答> ", "en": "answer> "},
    "changed": {"ja": "前回の回答後に問題文が変わっています", "en": "this question changed since you last answered it"},
}


def m(_key: str, _lang: str, **kw) -> str:
    return L[_key][_lang].format(**kw)


class _Reader:
    """One answer per line; EOF ends the session. In a terminal, readline gives line editing."""

    def __init__(self, tty: bool, prompt: str):
        self.tty = tty
        self.prompt = prompt
        if tty:
            try:
                import readline  # noqa: F401  (line editing, history, wide characters)
            except ImportError:
                pass

    def __call__(self) -> str | None:
        if self.tty:
            try:
                return input(self.prompt)
            except EOFError:
                return None
        line = sys.stdin.readline()
        if not line:
            return None
        return line.rstrip("\r\n")


def code_block(ex) -> str:
    """The exercise's function from its def line, the blank shown as 【 (label) 】."""
    lines = ex.template.read_text(encoding="utf-8").splitlines()
    fn = ex.grading["function"]
    start = next((i for i, ln in enumerate(lines) if ln.startswith(f"def {fn}(")), 0)
    return "\n".join(lines[start:]).replace(ex.marker, f"【 ({ex.blank}) 】")


class TerminalView:
    """quiz.practice.View on a rich console; with `json_out` the cards go to stderr."""

    def __init__(self, lang: str, json_out: bool = False):
        from rich.console import Console

        self.lang = lang
        self.console = Console(stderr=json_out, highlight=False)
        self.console.soft_wrap = not self.console.is_terminal  # piped: one line per paragraph
        self.tty = sys.stdin.isatty()
        self.read = _Reader(self.tty, m("prompt", lang))
        self.hinted = False

    def say(self, body: str, prefix: str = "", style: str = "") -> None:
        """Print plain `body` after a markup `prefix`. In a terminal the text folds at the edge
        between words (quiz.fold: never inside `prev_c` or `0.5`, 禁則 for Japanese) and the
        continuation lines hang under the text after the prefix; piped, one line per paragraph."""
        from rich.cells import cell_len
        from rich.text import Text

        from quiz.fold import fold

        console = self.console
        lead = Text.from_markup(prefix)
        if not console.is_terminal:
            console.print(lead + Text(body, style=style))
            return
        indent = cell_len(lead.plain)
        pad = " " * indent
        for i, line in enumerate(fold(body, max(20, console.width - indent))):
            console.print((lead if i == 0 else Text(pad)) + Text(line, style=style), no_wrap=True, overflow="ignore")

    def line(self) -> str:
        if not self.tty:
            self.console.print(m("prompt", self.lang), end="")
        line = self.read()
        if line is None:
            raise EOFError
        if not self.tty:
            self.console.print(line, markup=False, highlight=False)
        return line

    def card(self, turn) -> None:
        from rich.cells import cell_len
        from rich.markup import escape

        from quiz.sections import section_label

        lang, console, q = self.lang, self.console, turn.question
        console.print()
        where = escape(section_label(q.day, q.section, lang))
        title = m("card", lang, where=where, n=turn.n, total=turn.total, kind=turn.kind.label[lang])
        src = m(f"source_{q.source}", lang)
        if cell_len(f"{title} {src}") + 6 <= console.width:
            console.rule(f"[bold]{title}[/] [dim]{src}[/]")
        else:  # a narrow terminal: the source label goes rather than the card being cut
            console.rule(f"[bold]{title}[/]")
        if turn.served.note:
            console.print(f"[yellow]{escape(turn.served.note)}[/]")
        self.say(turn.prompt(lang))
        if turn.exercise is not None:
            console.print(code_block(turn.exercise), markup=False, highlight=False)
        for i, option in turn.shown_options():
            self.say(text(option, lang), f"  [bold cyan]{i}[/]. ")
        unit = getattr(q.spec, "unit", None)
        if unit:
            console.print(f"  [dim]({escape(text(unit, lang))})[/]")
        if not self.hinted:  # said once, on the first card of the run
            self.hinted = True
            console.print(f"[dim]{escape(m('dont_know_hint', lang))}[/]")

    def invalid(self, turn, j) -> None:
        key = j.invalid.split(":", 1)
        if key[0] == "expr":
            self.console.print(m("invalid_expr", self.lang, why=key[1] if len(key) > 1 else ""), style="yellow")
        else:
            self.console.print(m(f"invalid_{key[0]}", self.lang, n=len(turn.options)), style="yellow")

    def passed(self, turn) -> None:
        self.console.print(m("passed", self.lang), style="yellow")

    def reveal(self, turn, j) -> None:
        """A self-graded item: the model answer and its key points (✔ where the answer mentions one)."""
        lang, console, q = self.lang, self.console, turn.question
        console.print(f"\n[bold]{m('model_answer', lang)}[/]")
        self.say(text(q.model_answer, lang).strip())
        console.print(f"[bold]{m('key_points', lang)}[/]")
        for i, kp in enumerate(q.key_points):
            mark = "[green]✔[/]" if i in j.hits else "[dim]·[/]"
            self.say(text(kp, lang), f"  {mark} ")
        if j.pending:
            console.print(m("self_grade", lang), markup=False)

    def grade_again(self, turn) -> None:
        from quiz.answers import SELF_GRADE_ACCEPTS

        self.console.print(m("self_grade_again", self.lang, accepts=SELF_GRADE_ACCEPTS), style="yellow", markup=False)

    def verdict(self, outcome) -> None:
        lang, console, turn = self.lang, self.console, outcome.turn
        if not turn.kind.self_graded:
            if outcome.correct:
                console.print(f"[bold green]{m('correct', lang)}[/]")
            else:
                self.say(m("key_is", lang, key=turn.key(lang)), f"[bold red]{m('wrong', lang)}[/]  ")
        if not outcome.correct:
            mis = turn.misconception(outcome.judgement.answer)
            if mis:
                self.say(text(mis.feedback, lang).strip(), f"[yellow]{m('misconception', lang)}[/] ")
        expl = turn.explanation(lang)
        if expl:
            self.say(expl, f"[dim]{m('explanation', lang)}:[/] ")

    def stopped(self) -> None:
        self.console.print()
