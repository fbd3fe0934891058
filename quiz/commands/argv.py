"""A command line read without typer, for the fast paths (rabbit quiz, exam, submit-free looks):
only what the parser is sure of; anything else says None and typer parses it as usual."""

from __future__ import annotations


def read(argv: list[str], valued: dict[str, str], flags: dict[str, str], ints: tuple[str, ...] = (),
         repeated: tuple[str, ...] = (), positional: str | None = None) -> dict | None:
    """{name: value} from `argv`: `valued` maps an option (`--count`, `-n`) to the name its value goes
    under (`--opt=value` too; given twice, the last wins, except for the `repeated` names, which
    collect a list), `flags` an option to a name set True, `ints` the names whose values must be
    integers, and `positional` the name of the one positional argument. None for anything else:
    help, an unknown option, a value missing or not an integer, a second positional argument."""
    out: dict = {name: [] for name in repeated}
    it = iter(argv)
    for arg in it:
        key, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if key in valued:
            if not eq:
                value = next(it, None)
                if value is None:
                    return None
            name = valued[key]
            if name in ints:
                try:
                    value = int(value)
                except ValueError:
                    return None
            if name in repeated:
                out[name].append(value)
            else:
                out[name] = value
        elif key in flags and not eq:
            out[flags[key]] = True
        elif arg.startswith("-") or positional is None or positional in out:
            return None
        else:
            out[positional] = arg
    return out
