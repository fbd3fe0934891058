"""--framework pytorch|tensorflow, and the saved choice (rabbit config framework) it falls back to."""

from __future__ import annotations

from typing import Optional

from quiz.commands.common import usage
from quiz.i18n import t

FRAMEWORKS = ("pytorch", "tensorflow")  # as quiz.bank.FRAMEWORKS (not imported: --help stays light)
CONFIG_KEY = "framework"


def complete(incomplete: str = "") -> list[str]:
    return [f for f in FRAMEWORKS if f.startswith(incomplete)]


def option(what: str) -> Optional[str]:
    import typer  # only the typer CLI declares it (quiz_core's fast path does not import typer)

    return typer.Option(None, "--framework", metavar="pytorch|tensorflow", autocompletion=complete,
                        help=f"Leave out the other framework's items ({what}); none: both. Default: rabbit config "
                             "framework (without a setting, both).")


def parse(value: str, lang: str, what: str) -> str | None:
    """pytorch / tensorflow (any case, full-width too); none: both (None)."""
    from quiz.typed import nfkc

    text = nfkc(value).strip().lower()
    if text in FRAMEWORKS:
        return text
    if text == "none":
        return None
    usage(t("bad_framework", lang, what=what, got=value))


def chosen(value: str | None, store, lang: str) -> str | None:
    """The framework a session serves: --framework if given, else the saved setting, else None (both)."""
    if value is not None:
        return parse(value, lang, "--framework")
    saved = store.get_config(CONFIG_KEY)
    return saved if saved in FRAMEWORKS else None
