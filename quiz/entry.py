"""The `rabbit` console script. A plain `rabbit submit`, `rabbit quiz`, `rabbit exam`, `rabbit
syllabus --json` or `rabbit bank list --json` skips importing typer (FAST)."""

from __future__ import annotations

import sys

SIGPIPE_CODE = 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)


def main() -> None:
    try:
        _main()
        if sys.stdout is not None:
            sys.stdout.flush()  # here, not at exit: a reader gone by now is handled below too
    except BrokenPipeError:
        _reader_gone()
    except KeyboardInterrupt:  # Ctrl-C before a command could take it (while starting): no traceback
        if sys.stderr is not None:
            print(file=sys.stderr)
        sys.exit(130)


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

    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(code)


# The commands a plain command line runs without typer's import (about 100 ms): argv's first words
# -> (module, function); the function returns an exit code, or None for typer to parse the line.
FAST = {
    ("submit",): ("quiz.commands.exercise_core", "fast_submit"),
    ("quiz",): ("quiz.commands.quiz_core", "fast"),
    ("exam",): ("quiz.commands.exam_core", "fast"),
    ("syllabus",): ("quiz.commands.syllabus_core", "fast_json"),
    ("bank", "list"): ("quiz.commands.bank_core", "fast_list_json"),
}


def _main() -> None:
    for words, (module, name) in FAST.items():
        if tuple(sys.argv[1:1 + len(words)]) == words:
            _fast(module, name, sys.argv[1 + len(words):], end_now=words == ("submit",))
            break
    from quiz.cli import main as cli_main

    cli_main()


def _fast(module: str, name: str, argv: list[str], end_now: bool) -> None:
    """Run a fast path; return only if it leaves the line to typer."""
    import importlib

    from quiz.problems import BankError
    from quiz.storeerror import StoreError

    try:
        code = getattr(importlib.import_module(module), name)(argv)
    except (BankError, StoreError) as e:  # said here, as the full CLI says it: answers may already be recorded
        from quiz.commands.common import bank_or_store_failed

        bank_or_store_failed(e)
    except KeyboardInterrupt:  # Ctrl-C while grading, loading or summing up: what was answered is stored
        print(file=sys.stderr)
        sys.exit(130)
    if code is None:
        return
    if end_now:
        _exit_now(code)
    if sys.stdout is not None:  # closed (>&-): nothing to flush
        sys.stdout.flush()
    sys.exit(code)
