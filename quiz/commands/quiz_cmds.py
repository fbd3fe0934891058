"""rabbit quiz DAY: exam-style questions, graded on the spot, every answer recorded at once."""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from typing import Optional

import typer

from quiz import completion
from quiz.commands.common import parse_day
from quiz.i18n import pick_lang, text

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


DEFAULT_COUNT = 10  # questions in a session unless --count says otherwise


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


def _code_block(ex) -> str:
    lines = ex.template.read_text(encoding="utf-8").splitlines()
    fn = ex.grading["function"]
    start = next((i for i, ln in enumerate(lines) if ln.startswith(f"def {fn}(")), 0)
    return "\n".join(lines[start:]).replace(ex.marker, f"【 ({ex.blank}) 】")


def cmd_quiz(
    day: str = typer.Argument(..., help="day1, day2, day3 or day4 (or 1-4).", autocompletion=completion.days),
    section: Optional[int] = typer.Option(None, "--section", "-s", help="Only this section (0 = review of the previous day)."),
    count: str = typer.Option(str(DEFAULT_COUNT), "--count", "-n", metavar="N|all",
                              help=f"Questions in the session (default {DEFAULT_COUNT}): unseen first, then weak "
                                   "(missed last time, low accuracy), then the rest; all for every question."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Same seed (and same record): same questions, same order, options in the same order."),
    lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG."),
    missed: bool = typer.Option(False, "--missed", help="Only questions whose last answer was wrong."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary at the end (questions go to stderr)."),
) -> None:
    """Take an exam-style quiz: one answer per line (? if you don't know); options are shuffled at
    every attempt; exit 0 all correct, 1 otherwise. / 確認テストと E資格形式の問題 (わからなければ ?)。"""
    from quiz import bank, session
    from quiz.store import Store

    lang = pick_lang(lang)
    d = parse_day(day, lang)
    limit = _parse_count(count, lang)
    questions = bank.load()
    store = Store()
    only = None
    if missed:
        only = store.missed_ids()
    if seed is None:
        seed = random.randrange(1, 10**6)
    record = {k: session.ItemRecord(*v) for k, v in store.item_records().items()}
    items = session.select(questions, d, section, limit, seed, only, record)
    if not items:
        if missed:
            print(m("none_missed", lang, day=d))
            return
        sections = sorted({q.section for q in questions if q.day == d})
        print(f"rabbit: {m('none_found', lang, day=d, sec=f' S{section}' if section is not None else '', sections=sections)}",
              file=sys.stderr)
        raise typer.Exit(2)
    runner = Runner(lang, json_out, seed=seed)
    seen = store.last_hashes([q.id for q in items])
    changed = {q.id for q in items if q.id in seen and seen[q.id] != q.content_hash}
    tally, finished = runner.run([Served(q, note=m("changed", lang) if q.id in changed else "") for q in items])
    opts = (f" --section {section}" if section is not None else "") \
        + (f" --count {count.strip()}" if count.strip() != str(DEFAULT_COUNT) else "") \
        + (" --missed" if missed else "")
    _summary(runner.console, tally, d, seed, lang, finished, opts)
    if json_out:
        print(json.dumps(tally.summary(len(items), seed, finished), ensure_ascii=False, indent=2))
    raise typer.Exit(0 if tally.asked and tally.correct == tally.asked else 1)


def _parse_count(value: str, lang: str) -> int | None:
    """--count: a positive whole number (full-width digits too), or all (None: no limit)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", value).strip().lower()
    if text in ("all", "全部", "すべて"):
        return None
    if text.isdigit() and int(text) >= 1:
        return int(text)
    print(f"rabbit: {m('bad_count', lang, value=value)}", file=sys.stderr)
    raise typer.Exit(2)


class Served:
    """One question as served: what to ask, and under which id and kind its answer is recorded."""

    def __init__(self, question, record_id: str | None = None, kind: str = "question", detail: dict | None = None,
                 note: str = ""):
        self.question = question
        self.record_id = record_id or question.id
        self.kind = kind
        self.detail = detail or {}
        self.note = note  # shown on the card, e.g. "changed since you last saw it"


class Runner:
    """Asks served questions one by one, judges, records each answer at once, explains.

    With `requeue`, a question answered wrongly comes back later in the same run (once).
    """

    def __init__(self, lang: str, json_out: bool = False, seed: int | None = None):
        from rich.console import Console

        from quiz.exercises import load_all
        from quiz.store import Store

        self.lang = lang
        self.console = Console(stderr=json_out, highlight=False)
        self.console.soft_wrap = not self.console.is_terminal  # piped: one line per paragraph
        self.tty = sys.stdin.isatty()
        self.read = _Reader(self.tty, m("prompt", lang))
        self.exercises = load_all()
        self.store = Store()
        self.run_id = uuid.uuid4().hex[:12]
        self.seed = seed  # orders the options (quiz and review always pass one); None: as written
        self.rounds: dict[str, int] = {}  # how often each item was served in this run
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

    def _line(self) -> str:
        if not self.tty:
            self.console.print(m("prompt", self.lang), end="")
        line = self.read()
        if line is None:
            raise EOFError
        if not self.tty:
            self.console.print(line, markup=False, highlight=False)
        return line

    def run(self, served: list[Served], requeue: bool = False):
        from quiz import session

        tally = session.Tally()
        queue = list(served)
        again: set[int] = set()
        finished = False
        try:
            n = 0
            while n < len(queue):
                item = queue[n]
                n += 1
                correct = self.ask(item, n, len(queue))
                tally.add(item.question, correct, self.last_answer, item.record_id)
                if requeue and not correct and id(item) not in again:
                    again.add(id(item))
                    queue.insert(min(len(queue), n + 3), item)  # a few questions later
            finished = True
        except (EOFError, KeyboardInterrupt):
            self.console.print()
        return tally, finished

    def ask(self, item: Served, n: int, total: int) -> bool:
        from rich.markup import escape

        from quiz import answers, kinds, session
        from quiz.optrefs import renumber
        from quiz.store import Attempt

        lang, console, q = self.lang, self.console, item.question
        qkind = kinds.of(q)
        ex = qkind.exercise(q, self.exercises)
        kind = qkind.label[lang]
        src = m(f"source_{q.source}", lang)
        console.print()
        from quiz.sections import section_label

        from rich.cells import cell_len

        where = escape(section_label(q.day, q.section, lang))
        title = m("card", lang, where=where, n=n, total=total, kind=kind)
        if cell_len(f"{title} {src}") + 6 <= console.width:
            console.rule(f"[bold]{title}[/] [dim]{src}[/]")
        else:  # a narrow terminal: the source label goes rather than the card being cut
            console.rule(f"[bold]{title}[/]")
        if item.note:
            console.print(f"[yellow]{escape(item.note)}[/]")
        if ex is not None:
            self.say((text(q.prompt, lang) or text(ex.statement, lang)).strip())
            console.print(_code_block(ex), markup=False, highlight=False)
        else:
            self.say(text(q.prompt, lang).strip())
        options = qkind.options(q, ex)
        order: tuple[int, ...] = ()
        if options:  # shown in a new order at every attempt; judged and recorded by the original number
            rnd = self.rounds[item.record_id] = self.rounds.get(item.record_id, -1) + 1
            order = session.option_order(self.seed, q.id, len(options), q.shuffle and self.seed is not None, rnd)
        for i, orig in enumerate(order, 1):
            self.say(text(options[orig - 1], lang), f"  [bold cyan]{i}[/]. ")
        unit = getattr(q.spec, "unit", None)
        if unit:
            console.print(f"  [dim]({escape(text(unit, lang))})[/]")
        if not self.hinted:  # said once, on the first card of the run
            self.hinted = True
            console.print(f"[dim]{escape(m('dont_know_hint', lang))}[/]")
        started = time.monotonic()
        while True:
            j = answers.judge(q, self._line(), right_option=ex.answer if ex else None, order=order or None)
            if not j.invalid:
                break
            key = j.invalid.split(":", 1)
            if key[0] == "expr":
                console.print(m("invalid_expr", lang, why=key[1] if len(key) > 1 else ""), style="yellow")
            else:
                console.print(m(f"invalid_{key[0]}", lang, n=len(options)), style="yellow")
        if j.passed:
            console.print(m("passed", lang), style="yellow")
        if j.pending or (j.passed and qkind.self_graded):
            console.print(f"\n[bold]{m('model_answer', lang)}[/]")
            self.say(text(q.model_answer, lang).strip())
            console.print(f"[bold]{m('key_points', lang)}[/]")
            for i, kp in enumerate(q.key_points):
                mark = "[green]✔[/]" if i in j.hits else "[dim]·[/]"
                self.say(text(kp, lang), f"  {mark} ")
            if j.pending:
                console.print(m("self_grade", lang), markup=False)
            while j.pending:
                grade = answers.self_grade(self._line())
                if grade is None:
                    console.print(m("self_grade_again", lang, accepts=answers.SELF_GRADE_ACCEPTS), style="yellow",
                                  markup=False)
                    continue
                j.correct, j.pending = grade, False
        correct = bool(j.correct)
        detail = dict(item.detail)
        if qkind.self_graded:
            detail.update(type=q.type, hits=j.hits)
        if order and list(order) != sorted(order):  # the answer is the original number; this is what was shown
            detail.update(order=list(order))
        if j.passed:
            detail.update(dont_know=True)
        record_hash = q.content_hash if item.kind == "question" else (ex.content_hash if ex else q.content_hash)
        self.store.record(Attempt(
            item_id=item.record_id, kind=item.kind, correct=correct, answer=j.answer,
            duration_ms=int((time.monotonic() - started) * 1000), session=self.run_id, item_hash=record_hash,
            detail=detail or None,
        ))
        self.last_answer = j.answer
        if not qkind.self_graded:
            if correct:
                console.print(f"[bold green]{m('correct', lang)}[/]")
            else:
                self.say(m("key_is", lang, key=kinds.key_text(q, lang, order, ex)), f"[bold red]{m('wrong', lang)}[/]  ")
        if ex is not None and not correct:
            mis = _option_misconception(ex, j.answer)
            if mis:
                self.say(text(mis.feedback, lang).strip(), f"[yellow]{m('misconception', lang)}[/] ")
        expl = renumber(text(q.explanation, lang) or (text(ex.explanation, lang) if ex else ""), order)
        if expl:
            self.say(expl.strip(), f"[dim]{m('explanation', lang)}:[/] ")
        return correct


def _option_misconception(ex, picked: str):
    from quiz.grading import match_misconception

    if picked.isdigit() and 1 <= int(picked) <= len(ex.options):
        return match_misconception(ex, ex.options[int(picked) - 1], [])
    return None


def _summary(console, tally, day: int, seed: int, lang: str, finished: bool, opts: str) -> None:
    from rich.table import Table

    console.print()
    console.rule(f"[bold]{m('summary', lang, correct=tally.correct, asked=tally.asked)}[/]")
    if not finished:
        console.print(m("stopped", lang, asked=tally.asked), style="dim")
    if tally.asked:
        from quiz.sections import section_label

        table = Table()
        for i, col in enumerate((m("section", lang), m("asked", lang), m("right", lang), m("rate", lang))):
            table.add_column(col, justify="left" if i == 0 else "right")
        for d, s, a, c in tally.by_section():
            bar = "█" * round(10 * c / a) + "░" * (10 - round(10 * c / a))
            table.add_row(section_label(d, s, lang), str(a), str(c), f"{bar} {100 * c / a:.0f}%")
        console.print(table)
    console.print(m("replay", lang, day=day, seed=seed, opts=opts), style="dim")
    if tally.correct < tally.asked:
        console.print(m("missed_next", lang, day=day), style="dim")


def register(app: typer.Typer) -> None:
    app.command("quiz")(cmd_quiz)
