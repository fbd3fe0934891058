"""The `rabbit` console script. A plain `rabbit submit`, `rabbit quiz`, `rabbit exam`, `rabbit
syllabus --json` or `rabbit bank list --json` skips importing typer (see fast_submit, quiz_core.fast,
exam_core.fast, syllabus_core.fast_json, bank_core.fast_list_json)."""

from __future__ import annotations

import sys

SIGPIPE_CODE = 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)


def main() -> None:
    try:
        _main()
        sys.stdout.flush()  # here, not at exit: a reader gone by now is handled below too
    except BrokenPipeError:
        _reader_gone()


def _reader_gone() -> None:
    """stdout's reader went away (`rabbit ... | head`): stop quietly, as a shell command would.

    As Python's docs advise: stdout goes to devnull so the flush at exit cannot fail again.
    """
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    sys.exit(SIGPIPE_CODE)


def _exit_now(code: int) -> None:
    """The submission is recorded (committed) and its verdict printed: end without the
    interpreter's teardown, which only frees memory (about 25 ms, an eighth of a warm submit).
    A flush that finds the reader gone raises BrokenPipeError, handled in main as usual."""
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _main() -> None:
    if sys.argv[1:2] == ["submit"]:
        from quiz.problems import BankError
        from quiz.storeerror import StoreError

        try:
            from quiz.commands.exercise_core import fast_submit

            code = fast_submit(sys.argv[2:])
        except (BankError, StoreError):
            code = None  # the full CLI reports these the usual way
        except KeyboardInterrupt:  # Ctrl-C while grading: nothing was recorded, no traceback
            print(file=sys.stderr)
            sys.exit(130)
        if code is not None:
            _exit_now(code)
    if sys.argv[1:2] == ["syllabus"] or sys.argv[1:3] == ["bank", "list"]:  # a look as JSON: no typer either
        from quiz.problems import BankError
        from quiz.storeerror import StoreError

        try:
            if sys.argv[1] == "syllabus":
                from quiz.commands.syllabus_core import fast_json

                code = fast_json(sys.argv[2:])
            else:
                from quiz.commands.bank_core import fast_list_json

                code = fast_list_json(sys.argv[3:])
        except (BankError, StoreError):
            code = None  # the full CLI reports these the usual way
        if code is not None:
            sys.stdout.flush()
            sys.exit(code)
    if sys.argv[1:2] in (["quiz"], ["exam"]):  # the first card without typer's import (quiz_core.fast, exam_core.fast)
        from quiz.problems import BankError
        from quiz.storeerror import StoreError

        try:
            if sys.argv[1] == "quiz":
                from quiz.commands.quiz_core import fast
            else:
                from quiz.commands.exam_core import fast
            code = fast(sys.argv[2:])
        except (BankError, StoreError) as e:  # reported here: answers may already be recorded
            from quiz.commands.common import bank_or_store_failed

            bank_or_store_failed(e)
        except KeyboardInterrupt:  # Ctrl-C outside a card (loading, the summary): every answer is stored already
            print(file=sys.stderr)
            sys.exit(130)
        if code is not None:
            sys.stdout.flush()
            sys.exit(code)
    from quiz.cli import main as cli_main

    cli_main()
