"""How the exercise commands print code and prose: never cut.

On a terminal, long lines wrap to its width and a wrapped code line goes on after a `↪` in the
line-number column; piped (to a file, a pager, grep), every line is printed whole.
"""

from __future__ import annotations

from quiz.i18n import t, text

CONTINUED = "↪"


def console():
    from rich.console import Console

    return Console(highlight=False)


def prose(out, body: str, style: str | None = None) -> None:
    """A paragraph: wrapped on a terminal, one whole line per line of the text when piped."""
    out.print(body, markup=False, style=style, soft_wrap=not out.is_terminal)


def hanging(out, prefix: str, body: str) -> None:
    """`prefix` then body; on a terminal, the lines body wraps onto are indented under it."""
    from rich.text import Text

    if not out.is_terminal:
        out.print(prefix + body, markup=False, soft_wrap=True)
        return
    width = max(out.width - len(prefix), 20)
    for k, part in enumerate(Text(body).wrap(out, width) or [Text("")]):
        part.rstrip()
        out.print(Text.assemble(prefix if k == 0 else " " * len(prefix), part), soft_wrap=True)


def code(out, source: str, marked: set[int]) -> None:
    """Numbered code; a line in `marked` (the blank) gets ❱. Wrapped on a terminal, never cut."""
    from rich.text import Text

    source = source.replace("\r\n", "\n").expandtabs(4)  # a file saved on Windows, or indented with tabs
    lines = source.splitlines()
    digits = len(str(len(lines)))
    if not out.is_terminal:
        for n, line in enumerate(lines, 1):
            out.print(f"{'❱' if n in marked else ' '} {n:>{digits}} {line}", markup=False, soft_wrap=True)
        return
    from rich.syntax import Syntax

    highlighted = Syntax(source, "python", theme="ansi_dark").highlight(source).split("\n", allow_blank=True)
    gutter = digits + 3
    for n, line in enumerate(highlighted[: len(lines)], 1):
        indent = len(line.plain) - len(line.plain.lstrip(" "))
        width = max(out.width - gutter - indent, 20)
        parts = line[indent:].wrap(out, width, no_wrap=False) if line.plain.strip() else [Text("")]
        style = "bold yellow" if n in marked else "dim"
        for k, part in enumerate(parts):
            part.rstrip()
            number = f"{'❱' if n in marked else ' '} {n:>{digits}} " if k == 0 else f"  {CONTINUED:>{digits}} "
            out.print(Text.assemble((number, style), " " * indent, part), soft_wrap=True)


def intro(out, ex, lang: str) -> None:
    """What an exercise is: its title and statement."""
    from rich.panel import Panel
    from rich.text import Text

    title = f"Day{ex.day} S{ex.section} · {ex.name} · {text(ex.title, lang)}"
    statement = text(ex.statement, lang).strip()
    if out.is_terminal:
        out.print(title, style="bold", markup=False)
        out.print(Panel(Text(statement)))
    else:
        out.print(title, markup=False, soft_wrap=True)
        prose(out, statement)
