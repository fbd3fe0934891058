"""Shell completion: the words rabbit offers on TAB, and the scripts that ask for them.

Completion runs `rabbit` with `_RABBIT_COMPLETE` set; only then is typer's completion machinery
loaded (see cli.main), so `--help` and every other command pay nothing for it. The candidates
come from directory listings, never from parsing the bank, so TAB answers at once.
"""

from __future__ import annotations

SHELLS = ("bash", "zsh", "fish")
DAYS = ("day1", "day2", "day3", "day4", "math", "ml")  # the course's days and its stages (quiz.sections.STAGES)
AREAS = ("math", "ml", "dl", "dev")  # the exam's result areas (quiz.syllabus.AREAS; rabbit syllabus --area)
COMPLETE_VAR = "_RABBIT_COMPLETE"


def exercise_names(incomplete: str = "") -> list[str]:
    from quiz import resources

    names = sorted(p.stem for p in (resources.bank_dir() / "exercises").glob("*.yaml"))
    return [n for n in names if n.startswith(incomplete)]


def days(incomplete: str = "") -> list[str]:
    return [d for d in DAYS if d.startswith(incomplete)]


def areas(incomplete: str = "") -> list[str]:
    return [a for a in AREAS if a.startswith(incomplete)]


def shells(incomplete: str = "") -> list[str]:
    return [s for s in SHELLS if s.startswith(incomplete)]


def script(shell: str, prog_name: str = "rabbit") -> str:
    """The script that, sourced by `shell`, makes TAB call rabbit for its candidates."""
    from typer._completion_shared import get_completion_script  # typer is pinned (<0.29)

    return get_completion_script(prog_name=prog_name, complete_var=COMPLETE_VAR, shell=shell)


def activate() -> None:
    """Register typer's bash/zsh/fish completion classes (called only when completing)."""
    from typer._completion_classes import completion_init

    completion_init()
