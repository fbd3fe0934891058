"""The terminal view of a mock exam (piped or not): the card with the clock and the pace, the
moves' notes, the list, the questions asked at the end, and the result sheet.

Cards are quiz.commands.quiz_view's (one way to show a question); the exam adds its header and
status line, never a verdict. While it waits for a line, a timer (SIGALRM) ends the wait when the
time runs out, so a learner who stops typing is still stopped at zero.
"""

from __future__ import annotations

import signal

from quiz.commands.quiz_view import TerminalView
from quiz.exam.sitting import PACE_SECONDS, TimeUp
from quiz.i18n import t, text


def clock(seconds: float) -> str:
    s = max(0, int(seconds + 0.999))
    return f"{s // 60}:{s % 60:02d}"


def _alarm(signum, frame):
    raise TimeUp


class ExamView(TerminalView):
    def __init__(self, lang: str, exam_id: int, json_out: bool = False):
        super().__init__(lang, json_out)
        self.exam_id = exam_id
        self.hinted = True  # the quiz's "? if you don't know" does not apply
        self.keys_said = False
        self.time_left = lambda: None  # set by the command: the sitting's clock

    def card(self, turn, status) -> None:
        from rich.markup import escape

        lang, console = self.lang, self.console
        console.print()
        console.rule(f"[bold]{t('exam_card', lang, id=self.exam_id, n=turn.n, total=turn.total, kind=turn.kind.label[lang])}[/]")
        per = status.per_question
        console.print(t("exam_clock", lang, left=clock(status.time_left), answered=status.answered, total=status.total,
                        pace=PACE_SECONDS, per="-" if per is None else round(per)), style="dim", markup=False)
        if status.flagged:
            console.print(t("exam_flag_mark", lang), style="yellow", markup=False)
        context = getattr(turn.question, "context", None)
        if context and turn.set_place:  # a set's context on each of its cards: the learner moves freely between them
            k, n = turn.set_place
            console.print(t("exam_set", lang, k=k, n=n), style="bold magenta", markup=False)
            self.say(text(context, lang).rstrip("\n"))
            console.print()
        self.say(turn.prompt(lang))
        if turn.exercise is not None:  # a code item: the function with its blank, as the exam shows it
            from quiz.commands.quiz_view import code_block

            console.print(code_block(turn.exercise), markup=False, highlight=False)
        for i, option in turn.shown_options():
            self.say(text(option, lang), f"  [bold cyan]{i}[/]. ")
        unit = getattr(turn.question.spec, "unit", None)
        if unit:
            console.print(f"  [dim]({escape(text(unit, lang))})[/]")
        if status.answer is not None:
            console.print(t("exam_your_answer", lang, answer=status.answer), style="cyan", markup=False)
        if not self.keys_said:
            self.keys_said = True
            console.print(t("exam_keys", lang), style="dim", markup=False)

    def line(self) -> str:
        left = self.time_left()
        armed = left is not None and hasattr(signal, "setitimer")
        if armed:
            if left <= 0:
                raise TimeUp
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, left)
        try:
            return super().line()
        finally:
            if armed:
                signal.setitimer(signal.ITIMER_REAL, 0)

    def note(self, which: str, **kw) -> None:
        """What a move says; the sitting names it by its key (these are all it names)."""
        for key in ("exam_flagged", "exam_unflagged", "exam_at_first", "exam_at_last", "exam_bad_goto", "exam_no_pass",
                    "exam_gone"):
            if key == which: self.console.print(t(key, self.lang, **kw), style="yellow", markup=False)  # noqa: E701

    def listing(self, rows) -> None:
        lang = self.lang
        if not rows:
            self.console.print(t("exam_list_none", lang), markup=False)
            return
        self.console.print(t("exam_list_head", lang, unanswered=sum(not r.answered for r in rows),
                             flagged=sum(r.flagged for r in rows)), markup=False)
        marks = [f"{r.n}{'⚑' if r.flagged else ''}{'' if r.answered else '·' + t('exam_list_unanswered', lang)}"
                 for r in rows]
        self.say("  ".join(marks), "  ")

    def _ask(self, message: str) -> str:
        self.console.print(message, style="yellow", markup=False)
        return super().line().strip().lower()

    def confirm(self, unanswered: int) -> bool:
        from quiz.answers import self_grade

        return self_grade(self._ask(t("exam_confirm", self.lang, n=unanswered))) is True

    def interrupted(self) -> str:
        self.console.print()
        choice = self._ask(t("exam_interrupt", self.lang))
        return {"p": "pause", "e": "end"}.get(choice[:1], "continue")
