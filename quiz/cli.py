"""rabbit: the typer app. Parses, calls the core, renders; decides nothing about grades."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from quiz import __version__
from quiz.problems import BankError
from quiz.storeerror import StoreError  # not quiz.store: --help does not import sqlite3

app = typer.Typer(
    name="rabbit",
    help="E資格の確認テスト・E資格形式の問題・模擬試験と演習チャレンジ (NumPy 穴埋め) を、値で採点して記録します。\n\n"
    "E資格 (JDLA Deep Learning for Engineer) study tool: confirmation tests, exam-style questions, "
    "timed mock exams and NumPy fill-in-the-blank exercises, graded by value, with your scores remembered.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"rabbit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Optional[bool] = typer.Option(
        None, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """rabbit: E資格 study tool."""


from quiz.commands import (  # noqa: E402
    bank_cmds, completion_cmds, demo_cmds, exam_cmds, exercise_cmds, grade_cmds, progress_cmds, quiz_cmds, syllabus_cmds,
)

quiz_cmds.register(app)
exercise_cmds.register(app)
bank_cmds.register(app)
progress_cmds.register(app)
syllabus_cmds.register(app)
grade_cmds.register(app)
demo_cmds.register(app)
completion_cmds.register(app)
exam_cmds.register(app)


def main() -> None:
    import os

    from quiz import completion

    if completion.COMPLETE_VAR in os.environ:  # TAB pressed in a shell that sourced the script
        completion.activate()
    # the two errors a learner can cause with their files; anything else is a bug
    try:
        app(prog_name="rabbit", complete_var=completion.COMPLETE_VAR)
    except (BankError, StoreError) as e:
        from quiz.commands.common import bank_or_store_failed

        bank_or_store_failed(e)
