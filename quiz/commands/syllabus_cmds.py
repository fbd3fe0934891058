"""rabbit syllabus: the exam's map, and where the bank and the learner stand on it."""

from __future__ import annotations

import json
from typing import Optional

import typer

from quiz import completion
from quiz.i18n import pick_lang, t, text


def cmd_syllabus(
    json_out: bool = typer.Option(False, "--json", help="Print JSON: one object per syllabus item."),
    area: Optional[str] = typer.Option(None, "--area", help="Only one result area: math, ml, dl or dev.",
                                        autocompletion=completion.areas),
    lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG."),
) -> None:
    """Every E資格 syllabus item: how many bank items it has, how many you answered, recent accuracy,
    what is due; untouched and weak items stand out. Select one with rabbit quiz --topic ID.
    / シラバスの各項目の問題数・回答状況・正答率・復習待ち。"""
    from quiz.commands.syllabus_core import rows_for

    lang = pick_lang(lang)
    rows = rows_for(area, lang)
    if json_out:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    _render(rows, lang)


def _cell(row: dict, lang: str) -> tuple[str, str]:
    """(what the status column says, the row's style)."""
    if row["status"] == "no-items":
        return t("syl_no_items", lang), "dim"
    if row["status"] == "untouched":
        return t("syl_untouched", lang), "yellow"
    if row["status"] == "weak":
        return t("syl_weak", lang), "red"
    return "", ""


def _render(rows: list[dict], lang: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from quiz.commands.progress_cmds import _pct

    console = Console(highlight=False)
    console.print(f"[bold]{escape(t('syl_title', lang))}[/]")
    chapters: dict[int, list[dict]] = {}
    for r in rows:
        chapters.setdefault(r["chapter"], []).append(r)
    for n, chapter in chapters.items():
        first = chapter[0]
        console.rule(escape(t("syl_chapter", lang, n=n, name=text(first["chapter_name"], lang),
                              area=text(first["area_name"], lang))), align="left")
        table = Table(box=None, pad_edge=False, show_edge=False)
        table.add_column(t("syl_id", lang), no_wrap=True)
        table.add_column(t("syl_topic", lang), ratio=1, overflow="fold")
        table.add_column(t("syl_answered", lang) + "/" + t("syl_items", lang), justify="right", no_wrap=True)
        table.add_column(t("syl_accuracy", lang), justify="right", no_wrap=True)
        table.add_column(t("syl_due", lang), justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        for r in chapter:
            note, style = _cell(r, lang)
            name = escape(text(r["name"], lang)) + (" [dim]○[/]" if r["shading"] == "grey" else "")
            table.add_row(r["id"], name, f"{r['answered']}/{r['items']}", _pct(r["accuracy"]) if r["answered"] else "",
                          str(r["due"]) if r["due"] else "", note, style=style)
        console.print(table)
    console.print(t("syl_optional", lang), style="dim")
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("no-items", "untouched", "weak")}
    console.print(t("syl_summary", lang, total=len(rows), covered=len(rows) - counts["no-items"],
                    untouched=counts["untouched"], weak=counts["weak"], empty=counts["no-items"],
                    due=sum(r["due"] for r in rows)))
    target = next((r for r in rows if r["status"] == "weak"), None) or next((r for r in rows if r["status"] == "untouched"), None)
    if target:
        console.print(t("syl_next", lang, cmd=f"rabbit quiz --topic {target['id']}"), style="dim")


def register(app: typer.Typer) -> None:
    app.command("syllabus")(cmd_syllabus)
