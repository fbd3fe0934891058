"""The terminal view of a quiz or review run: renders each turn's card and reads the answers.

Piped and TTY modes differ only in how a line is read and how text folds; the run itself is
quiz.practice.Session's (what comes next, judging, recording), so the two cannot drift apart.
"""

from __future__ import annotations

import sys

from quiz.i18n import t, text

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
        line = sys.stdin.readline() if sys.stdin is not None else ""  # stdin closed (<&-): end of input
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
        self.tty = sys.stdin is not None and sys.stdin.isatty()
        self.read = _Reader(self.tty, t("prompt", lang))
        self.hinted = False

    def say(self, body: str, prefix: str = "", style: str = "") -> None:
        """Print plain `body` after a markup `prefix`. In a terminal the text folds at the edge
        between words (quiz.fold: never inside `prev_c` or `0.5`, 禁則 for Japanese) and the
        continuation lines hang under the text after the prefix; piped, one line per paragraph. A line
        indented by four spaces (code, a table, a figure) is printed as it is, never folded."""
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
        width = max(20, console.width - indent)
        lines = [ln for para in body.split("\n") for ln in ([para] if para.startswith("    ") else fold(para, width))]
        for i, line in enumerate(lines):  # not cropped: a line wider than the terminal wraps there, whole
            console.print((lead if i == 0 else Text(pad)) + Text(line, style=style), no_wrap=True, overflow="ignore",
                          crop=False)

    def line(self) -> str:
        if not self.tty:
            self.console.print(t("prompt", self.lang), end="")
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
        title = t("card", lang, where=where, n=turn.n, total=turn.total, kind=turn.kind.label[lang])
        src = t(f"source_{q.source}", lang)
        if cell_len(f"{title} {src}") + 6 <= console.width:
            console.rule(f"[bold]{title}[/] [dim]{src}[/]")
        else:  # a narrow terminal: the source label goes rather than the card being cut
            console.rule(f"[bold]{title}[/]")
        if turn.served.note:
            console.print(f"[yellow]{escape(turn.served.note)}[/]")
        self.set_context(turn)
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
            console.print(f"[dim]{escape(t('dont_know_hint', lang))}[/]")

    def set_context(self, turn) -> None:
        """A question set's context, above the first of its items asked in a row (and above an item
        asked on its own); the later items of the run point back to it."""
        from rich.markup import escape

        place, context = turn.set_place, getattr(turn.question, "context", None)
        if place is None or not context:
            return
        k, n = place
        if k > 1:
            self.console.print(f"[dim]{escape(t('set_continues', self.lang, k=k, n=n))}[/]")
            return
        head = t("set_context", self.lang, n=n) if n > 1 else t("set_context_one", self.lang)
        self.console.print(f"[bold magenta]{escape(head)}[/]")
        self.say(text(context, self.lang).rstrip("\n"))
        self.console.print()

    def invalid(self, turn, j) -> None:
        key = j.invalid.split(":", 1)
        if key[0] == "expr":
            self.console.print(t("invalid_expr", self.lang, why=key[1] if len(key) > 1 else ""), style="yellow")
        else:
            self.console.print(t(f"invalid_{key[0]}", self.lang, n=len(turn.options)), style="yellow")

    def passed(self, turn) -> None:
        self.console.print(t("gave_up", self.lang), style="yellow")

    def reveal(self, turn, j) -> None:
        """A self-graded item: the model answer and its key points (✔ where the answer mentions one)."""
        lang, console, q = self.lang, self.console, turn.question
        console.print(f"\n[bold]{t('model_answer', lang)}[/]")
        self.say(text(q.model_answer, lang).strip())
        console.print(f"[bold]{t('key_points', lang)}[/]")
        for i, kp in enumerate(q.key_points):
            mark = "[green]✔[/]" if i in j.hits else "[dim]·[/]"
            self.say(text(kp, lang), f"  {mark} ")
        if j.pending:
            console.print(t("self_grade", lang), markup=False)

    def grade_again(self, turn) -> None:
        from quiz.answers import SELF_GRADE_ACCEPTS

        self.console.print(t("self_grade_again", self.lang, accepts=SELF_GRADE_ACCEPTS), style="yellow", markup=False)

    def verdict(self, outcome) -> None:
        lang, console, turn = self.lang, self.console, outcome.turn
        if not turn.kind.self_graded:
            if outcome.correct:
                console.print(f"[bold green]{t('correct', lang)}[/]")
            else:
                self.say(t("key_is", lang, key=turn.key(lang)), f"[bold red]{t('wrong', lang)}[/]  ")
        if not outcome.correct:
            mis = turn.misconception(outcome.judgement.answer)
            if mis:
                self.say(text(mis.feedback, lang).strip(), f"[yellow]{t('misconception', lang)}[/] ")
        expl = turn.explanation(lang)
        if expl:
            self.say(expl, f"[dim]{t('explanation', lang)}:[/] ")

    def stopped(self) -> None:
        self.console.print()


def replay(question, variant: int, lang: str) -> None:
    """Show variant `variant` of a generated item again, as it was asked (its numbers and options)
    with its key and its worked explanation: what an attempt's recorded `variant` brings back."""
    from quiz import kinds, practice

    kind = kinds.of(question)
    q = kind.instance(question, variant)
    options = kind.options(q)
    turn = practice.Turn(practice.Served(question), 1, 1, kind, None, options, tuple(range(1, len(options) + 1)),
                         instance=q)
    view = TerminalView(lang)
    view.hinted = True  # no "type ? if you don't know": nothing is asked
    view.card(turn)
    view.say(t("key_is", lang, key=turn.key(lang)))
    view.say(turn.explanation(lang), f"[dim]{t('explanation', lang)}:[/] ")
