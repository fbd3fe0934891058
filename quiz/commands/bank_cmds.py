"""rabbit bank validate / list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from quiz import completion
from quiz.i18n import pick_lang, text

bank_app = typer.Typer(help="Check and list the question bank. / 問題バンクの検証と一覧。", no_args_is_help=True)


@bank_app.command("validate")
def cmd_validate(
    paths: Optional[List[Path]] = typer.Argument(None, help="Question files or directories (default: the shipped bank and $RABBIT_BANK)."),
) -> None:
    """Check question files; every problem with file, line and field; exit 2 if any. / バンクの検証。"""
    from quiz import bank

    targets = list(paths) if paths else bank.default_paths()
    questions, problems = bank.validate_paths(targets)
    if problems:
        for p in problems:
            print(str(p), file=sys.stderr)
        print(f"{len(problems)} problem(s) in {len({p.path for p in problems})} file(s) / "
              f"{len(problems)} 件の問題があります", file=sys.stderr)
        raise typer.Exit(2)
    print(f"ok: {len(questions)} questions in {len(bank.question_files(targets))} file(s) / "
          f"{len(questions)} 問、問題なし")


@bank_app.command("list")
def cmd_list(
    day: Optional[str] = typer.Option(None, "--day", "-d", help="day1-day4 (or 1-4), math (応用数学) or ml (機械学習).",
                                      autocompletion=completion.days),
    section: Optional[int] = typer.Option(None, "--section", "-s", help="Section number."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en."),
) -> None:
    """List questions: id, day (or stage: math, ml), section, type. / 問題の一覧。"""
    from quiz.commands.bank_core import as_json, rows as bank_rows
    from quiz.sections import stage_key

    lang = pick_lang(lang)
    rows = bank_rows(day, section, lang)
    if json_out:
        print(as_json(rows))
        return
    from rich.console import Console
    from rich.table import Table

    out = Console(highlight=False)
    if not out.is_terminal:
        out.width = max(out.width, 200)  # piped (grep, a file): whole rows, as rabbit exercises does
    table = Table(title=f"{len(rows)} questions")
    for col in ("id", "Day", "S", "type", "source", "framework", "set", "prompt"):
        table.add_column(col, overflow="ellipsis", no_wrap=col != "prompt", min_width=4 if col == "Day" else None)
    for q in rows:
        prompt = text(q.prompt, lang).replace("\n", " ")
        shown_day = str(q.day) if q.day >= 1 else stage_key(q.day)  # a course stage: math or ml, not -2 / -1
        table.add_row(q.id, shown_day, str(q.section), q.type, q.source, q.framework or "", q.set_id or "", prompt[:60] or f"({q.exercise})")
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(bank_app, name="bank")
