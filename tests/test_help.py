"""Every command, group and subcommand explains itself in --help and is in the README."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from quiz.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _commands() -> list[list[str]]:
    """Every command path, e.g. ['quiz'], ['bank', 'validate'], from the app itself."""
    click_app = typer.main.get_command(app)
    out = []

    def walk(group, prefix):
        for name, cmd in group.commands.items():
            path = prefix + [name]
            out.append(path)
            if hasattr(cmd, "commands"):
                walk(cmd, path)

    walk(click_app, [])
    return out


def test_the_walk_sees_every_command():
    paths = [" ".join(p) for p in _commands()]
    assert len(paths) >= 20
    for expected in ("quiz", "submit", "completion", "bank validate", "bank list", "config exam-date"):
        assert expected in paths


def test_every_command_has_help_text():
    for path in _commands():
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        body = result.output.split("Options:")[0] if "Options:" in result.output else result.output
        assert len(body.strip()) > len("Usage: rabbit " + " ".join(path)) + 20, (path, result.output)


def test_every_command_is_in_the_readme():
    for path in _commands():
        assert f"rabbit {' '.join(path)}" in README, f"`rabbit {' '.join(path)}` is not in the README"
