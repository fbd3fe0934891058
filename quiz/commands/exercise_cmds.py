"""rabbit exercises / show / submit / hint / reset / watch."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import List, Optional

import typer

from quiz import completion
from quiz.commands import exercise_core as core
from quiz.commands import exercise_view as view
from quiz.commands.common import usage
from quiz.commands.exercise_core import all_exercises, exercise_named, learner_copy, open_store, status_of as _status_of
from quiz.i18n import pick_lang, t, text

LangOpt = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG.")
JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON.")


NARROW_COLUMNS = 72  # below this, `rabbit exercises` lists blocks, not a table


def _narrow_list(out, rows: list[dict], lang: str) -> None:
    """The name whole (to be typed), where it sits and its status, then the title wrapped below."""
    from rich.text import Text

    style = {"passed": "green", "failed": "red", "not_started": "dim"}
    out.print(Text("演習チャレンジ / Exercises" if lang == "ja" else "Exercises", style="bold"))
    for r in rows:
        where = f"Day{r['day']}" if r["day"] > 0 else r["stage"]
        head = Text(r["name"], style="bold")
        head.append(f"  {where} S{r['section']}  ")
        head.append(t("status_" + r["status"], lang), style=style[r["status"]])
        out.print(head, overflow="fold")
        out.print(Text("  " + r["title"]), overflow="fold")


def cmd_exercises(json_out: bool = JsonOpt, lang: Optional[str] = LangOpt) -> None:
    """List every exercise with its day, section, title and status. / 演習の一覧と状況。"""
    from quiz.sections import stage_key

    lang = pick_lang(lang)
    exercises = all_exercises()
    statuses = open_store().exercise_status()
    rows = [
        {
            "name": ex.name,
            "id": ex.id,
            "day": ex.day,
            "stage": stage_key(ex.day),  # day1..day4, or math / ml (the course stages before Day1)
            "section": ex.section,
            "title": text(ex.title, lang),
            "status": _status_of(ex, statuses),
        }
        for ex in exercises.values()
    ]
    if json_out:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    out = view.console()
    if not out.is_terminal:
        out.width = max(out.width, 200)  # piped: one row per exercise; the table takes only what it needs
    elif out.width < NARROW_COLUMNS:  # a table would squeeze the titles out: one block per exercise
        _narrow_list(out, rows, lang)
        return
    table = Table(title="演習チャレンジ / Exercises" if lang == "ja" else "Exercises")
    table.add_column("name", no_wrap=True)  # whole, to be typed
    table.add_column("Day", no_wrap=True)
    table.add_column("S", no_wrap=True)
    table.add_column("title", overflow="fold")  # wraps (between CJK characters too), never "…"
    table.add_column("status", no_wrap=True)
    style = {"passed": "green", "failed": "red", "not_started": "dim"}
    for r in rows:
        table.add_row(
            r["name"], str(r["day"]) if r["day"] > 0 else r["stage"], str(r["section"]), r["title"],
            f"[{style[r['status']]}]{t('status_' + r['status'], lang)}[/]",
        )
    out.print(table)


def cmd_show(name: str = typer.Argument(..., help="The exercise, e.g. lstm (rabbit exercises lists them).",
                                     autocompletion=completion.exercise_names),
             lang: Optional[str] = LangOpt) -> None:
    """Show the statement and the code with the blank, and the file to edit. / 問題文と穴埋めコード。

    On a terminal long lines wrap (a wrapped code line goes on after ↪); piped, every line is
    printed whole.
    """
    lang = pick_lang(lang)
    ex = exercise_named(name, lang)
    out = view.console()
    path = learner_copy(ex)
    source = path.read_text(encoding="utf-8")
    blank_lines = {i + 1 for i, line in enumerate(source.splitlines()) if any(b.marker in line for b in ex.blanks)}
    view.intro(out, ex, lang)
    view.code(out, source, blank_lines)
    for b in ex.blanks:
        out.print(f"\n[bold]{t('options', lang)}[/] ({b.label}):")
        for i, opt in enumerate(b.options, 1):
            view.hanging(out, f"  {i}. ", opt)
    statuses = open_store().exercise_status()
    if _status_of(ex, statuses) == "passed":
        out.print(f"\n[bold]{t('explanation', lang)}[/]")
        view.prose(out, text(ex.explanation, lang).strip())
    out.print()
    view.prose(out, t("edit_here", lang, name=ex.name))
    out.print(f"  {path}", markup=False, soft_wrap=True)  # one piece, to copy whole


def cmd_submit(
    name: str = typer.Argument(..., help="The exercise to grade, e.g. lstm.", autocompletion=completion.exercise_names),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Grade this file instead of your copy."),
    answer: Optional[List[str]] = typer.Option(None, "--answer", "-a", help="Put this one expression into the blank and grade it; a number (3) means that option of `rabbit show`. Several blanks: --answer あ=EXPR --answer い=EXPR (a=EXPR too)."),
    json_out: bool = JsonOpt,
    lang: Optional[str] = LangOpt,
) -> None:
    """Grade your code by value against the reference engine. Exit 0 pass, 1 fail. / 提出して採点。"""
    raise typer.Exit(core.submit(name, file, answer, json_out, lang))


def cmd_hint(name: str = typer.Argument(..., help="The exercise, e.g. lstm.", autocompletion=completion.exercise_names), lang: Optional[str] = LangOpt) -> None:
    """Show the next hint tier (gentlest first). / 次の段階のヒント。"""
    lang = pick_lang(lang)
    ex = exercise_named(name, lang)
    store = open_store()
    tiers = ex.hint_tiers()  # several blanks: each blank's hints in turn, labelled
    tier = min(store.hints_shown(ex.id) + 1, len(tiers))
    store.record_hint(ex.id, tier)
    out = view.console()
    blank, hint = tiers[tier - 1]
    where = f"{ex.name} ({blank.label})" if len(ex.blanks) > 1 else ex.name
    out.print(f"[bold]{t('hint_tier', lang, tier=tier, total=len(tiers))}[/] ({where})")
    view.prose(out, text(hint, lang).strip())
    if tier == len(tiers):
        view.prose(out, t("hint_last", lang, name=ex.name), style="dim")


def cmd_reset(name: str = typer.Argument(..., help="The exercise, e.g. lstm.", autocompletion=completion.exercise_names), lang: Optional[str] = LangOpt) -> None:
    """Restore your copy from the template, keeping every earlier version. / 初期状態に戻す。

    Your copy is first saved next to it as NAME.py.YYYYMMDD-HHMMSS.bak (local time; the names
    sort oldest first). A version that is already backed up is not saved twice, and an
    untouched copy (still the template) is left as it is.
    """
    from quiz import backups

    lang = pick_lang(lang)
    ex = exercise_named(name, lang)
    path = learner_copy(ex, create=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            shutil.copyfile(ex.template, path)
            print(t("reset_fresh", lang, path=path))
            return
        if path.read_bytes() == ex.template.read_bytes():
            print(t("reset_untouched", lang, path=path))
            return
        backup, new = backups.keep(path)  # before the copy is touched: a failure here changes nothing
        fresh = path.with_name(path.name + ".reset-tmp")
        shutil.copyfile(ex.template, fresh)
        os.replace(fresh, path)  # the copy is either the old version or the template, never half of one
    except OSError as e:
        path.with_name(path.name + ".reset-tmp").unlink(missing_ok=True)
        usage(t("reset_failed", lang, path=path, error=e.strerror or e))
    key = "reset_done" if new else "reset_kept"
    print(t(key, lang, path=path, backup=backup, pattern=backups.PATTERN.replace("NAME", ex.template.stem)))


def cmd_watch(
    name: Optional[str] = typer.Argument(None, help="The exercise; default: the first one not passed yet.",
                                         autocompletion=completion.exercise_names),
    interval: float = typer.Option(0.5, "--interval", help="Seconds between checks for a save."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Re-grade on every save; q + Enter (or Ctrl-C) stops. / 保存のたびに採点 (q + Enter で終了)。

    Without NAME, watch starts on the first exercise not passed yet and moves on to the next
    one after a pass; each time, it shows the statement, the blank and the file to edit.
    """
    from quiz import grading
    from quiz.commands.quit_key import OTHER, QUIT, QuitKey

    lang = pick_lang(lang)
    out = view.console()
    follow = name is None

    def next_open():
        statuses = open_store().exercise_status()
        for ex in all_exercises().values():
            if statuses.get(ex.id) != "passed":
                return ex
        return None

    ex = exercise_named(name, lang) if name else next_open()
    if ex is None:
        out.print(t("watch_all_done", lang))
        return
    key = QuitKey()
    try:
        while ex is not None:
            path = learner_copy(ex)
            view.intro(out, ex, lang)
            out.print()
            view.prose(out, t("watch_blank", lang, blank=", ".join(ex.labels), name=ex.name))
            out.print(f"  {path}", markup=False, soft_wrap=True)
            view.prose(out, t("watching", lang), style="bold")
            last = None
            while True:
                try:
                    stamp = path.stat().st_mtime_ns
                except FileNotFoundError:
                    stamp = None
                if stamp != last and stamp is not None:
                    last = stamp
                    source = path.read_text(encoding="utf-8", errors="replace")
                    try:
                        verdict = grading.grade(ex, source)
                    except OSError as e:  # the machine cannot start a box (disk full, no processes)
                        usage(f"could not start the grading box ({e.strerror or e}).")
                    if verdict.reason != "blank":
                        core.record(ex, verdict)
                    out.rule(time.strftime("%H:%M:%S"))
                    core.render_verdict(verdict, ex, lang)
                    core.refill_pool(ex)
                    if verdict.passed and follow:
                        break
                pressed = key.wait(interval)
                if pressed == QUIT:
                    out.print(t("watch_stopped", lang))
                    return
                if pressed == OTHER:
                    view.prose(out, t("watch_keys", lang), style="dim")
            ex = next_open() if follow else None
            if follow and ex is None:
                out.print(t("watch_all_done", lang))
    except KeyboardInterrupt:
        out.print()


def register(app: typer.Typer) -> None:
    app.command("exercises")(cmd_exercises)
    app.command("show")(cmd_show)
    app.command("submit")(cmd_submit)
    app.command("hint")(cmd_hint)
    app.command("reset")(cmd_reset)
    app.command("watch")(cmd_watch)
