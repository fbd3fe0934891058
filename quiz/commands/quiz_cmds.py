"""rabbit quiz DAY|math|ml [--topic ID]: exam-style questions, graded on the spot, every answer recorded at once.
The options are declared here; what the command does is quiz.commands.quiz_core's (also reached without typer)."""

from __future__ import annotations

from typing import List, Optional

import typer

from quiz import completion
from quiz.commands import framework_opt
from quiz.commands.quiz_core import DEFAULT_COUNT


def cmd_quiz(
    day: Optional[str] = typer.Argument(None, help="day1, day2, day3 or day4 (or 1-4), math (応用数学) or ml (機械学習); "
                                             "optional with --topic.", autocompletion=completion.days),
    topic: Optional[List[str]] = typer.Option(None, "--topic", "-t", metavar="ID",
                                              help="Only items of these syllabus ids (3-5-2; a prefix such as 4-2 or 3; "
                                                   "repeat or separate by commas). rabbit syllabus lists them."),
    section: Optional[int] = typer.Option(None, "--section", "-s", help="Only this section (0 = review of the previous day)."),
    count: str = typer.Option(str(DEFAULT_COUNT), "--count", "-n", metavar="N|all",
                              help=f"Questions in the session (default {DEFAULT_COUNT}): unseen first, then weak "
                                   "(missed last time, low accuracy), then the rest; all for every question."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Same seed (and same record): same questions, same order, options in the same order."),
    lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG."),
    missed: bool = typer.Option(False, "--missed", help="Only questions whose last answer was wrong."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary at the end (questions go to stderr)."),
    framework: Optional[str] = framework_opt.option("PyTorch or TensorFlow, as you will choose at the exam"),
) -> None:
    """Take an exam-style quiz: one answer per line (? if you don't know); options are shuffled at
    every attempt; exit 0 all correct, 1 otherwise. / 確認テストと E資格形式の問題 (わからなければ ?)。"""
    from quiz.commands.quiz_core import run

    raise typer.Exit(run(day, topic, section, count, seed, lang, missed, json_out, framework))


def register(app: typer.Typer) -> None:
    app.command("quiz")(cmd_quiz)
