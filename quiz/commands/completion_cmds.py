"""rabbit completion SHELL: print the shell script that completes commands, exercises and days."""

from __future__ import annotations

import typer

from quiz import completion
from quiz.commands.common import usage
from quiz.i18n import pick_lang, t

_HELP = """Print the completion script for SHELL (bash, zsh or fish). / シェル補完のスクリプトを表示します。

bash:  eval "$(rabbit completion bash)"   (add it to ~/.bashrc)
zsh:   eval "$(rabbit completion zsh)"    (add it to ~/.zshrc)
fish:  rabbit completion fish > ~/.config/fish/completions/rabbit.fish"""


def cmd_completion(
    shell: str = typer.Argument(..., help="bash, zsh or fish.", autocompletion=completion.shells),
) -> None:
    if shell not in completion.SHELLS:
        usage(t("bad_shell", pick_lang(None), shells=", ".join(completion.SHELLS), got=shell))
    print(completion.script(shell))


cmd_completion.__doc__ = _HELP


def register(app: typer.Typer) -> None:
    app.command("completion")(cmd_completion)
