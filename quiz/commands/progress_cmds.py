"""rabbit stats / review / history / export / import / config."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass  # filled in by the progress work (issue 4)
