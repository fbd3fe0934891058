"""rabbit stats / review / history / export / import / config: what the attempt log says."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer

from quiz import completion
from quiz.commands import framework_opt
from quiz.commands.common import usage as _usage
from quiz.i18n import pick_lang, t

LangOpt = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG.")

def _parse_exam_date(value: str, lang: str, fix: str) -> date:
    """An exam date: YYYY-MM-DD (full-width digits too), today or later (`fix` says where to give it)."""
    from quiz.typed import nfkc

    try:
        when = date.fromisoformat(nfkc(value))
    except ValueError:
        _usage(t("bad_date", lang, got=value))
    today = date.today()
    if when < today:
        _usage(t("past_date", lang, date=when.isoformat(), today=today.isoformat(), fix=fix))
    return when


def _bar(frac: float | None, width: int = 10) -> str:
    if frac is None:
        return "·" * width
    n = round(frac * width)
    return "█" * n + "░" * (width - n)


def _pct(frac: float | None) -> str:
    return "—" if frac is None else f"{100 * frac:.0f}%"


def cmd_stats(
    day: Optional[str] = typer.Argument(None, help="day1-day4, math or ml (default: all of them).", autocompletion=completion.days),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    by: str = typer.Option("section", "--by", help="section (default) or area: the exam's four result areas "
                                                  "(応用数学, 機械学習, 深層学習, 開発環境)."),
    exam_date: Optional[str] = typer.Option(None, "--exam-date", help="YYYY-MM-DD, today or later; default: rabbit config exam-date."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Where you stand per section: coverage, accuracy, exercises, streak, readiness. / 学習状況。"""
    from quiz import bank, progress
    from quiz.exercises import load_all
    from quiz.store import Store

    lang = pick_lang(lang)
    d = _parse_stage(day, lang) if day is not None else None
    if by not in ("section", "area"):
        _usage(t("bad_by", lang, got=by))
    store = Store()
    if by == "area":
        _stats_by_area(store, bank.load(), load_all(), lang, json_out)
        return
    when = _parse_exam_date(exam_date, lang, "--exam-date") if exam_date else None
    if when is None:
        saved = store.get_config("exam_date")
        when = date.fromisoformat(saved) if saved else None
    stats = progress.compute(store, bank.load(), load_all(), exam_date=when, day=d)
    if json_out:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
        return
    _render_stats(stats, lang, d)


def _parse_stage(text: str, lang: str) -> int:
    from quiz.sections import parse_stage

    try:
        return parse_stage(text)
    except ValueError:
        _usage(t("bad_stage", lang, what="DAY", got=text))


def _stats_by_area(store, questions, exercises, lang: str, json_out: bool) -> None:
    """rabbit stats --by area: coverage and accuracy per result area of the exam."""
    from quiz import syllabus, topics

    rows = topics.by_area(store, questions, exercises, syllabus.load())
    if json_out:
        print(json.dumps({"by": "area", "areas": rows}, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    from quiz.i18n import text

    console = Console(highlight=False)
    table = Table()
    for c in (t("area", lang), t("area_topics", lang), t("coverage", lang), t("accuracy", lang), t("syl_due", lang)):
        table.add_column(c)
    for r in rows:
        table.add_row(text(r["name"], lang), str(r["topics"]), f"{_bar(r['coverage'])} {r['answered']}/{r['items']}",
                      f"{_bar(r['accuracy'])} {_pct(r['accuracy'])}", str(r["due"]))
    console.print(table)
    console.print(t("area_note", lang), style="dim")


def _render_stats(stats: dict, lang: str, day: int | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from quiz.progress import ACTIVITY_DAYS, sparkline
    from quiz.sections import section_label, stage_key

    console = Console(highlight=False)
    if not stats["total_attempts"]:
        console.print(t("no_attempts", lang))
        _render_last_exam(console, stats.get("last_exam"), lang)
        return
    counts = [a["count"] for a in stats["activity"]]
    console.print(f"[bold]{t('attempts', lang, n=stats['total_attempts'])}[/] · "
                  f"[bold yellow]🔥 {t('streak', lang, n=stats['streak'])}[/]")
    console.print(f"{t('activity', lang, n=ACTIVITY_DAYS)}: [cyan]{sparkline(counts)}[/] "
                  f"[dim]{stats['activity'][0]['date']} → {stats['activity'][-1]['date']}[/]")
    readiness = stats["readiness"]
    recall = {(r["day"], r["section"]): r for r in readiness["sections"]} if readiness else {}
    table = Table()
    cols = [t("section", lang), t("coverage", lang), t("accuracy", lang), t("exercises", lang)]
    generators = any(r["generators"] for r in stats["sections"])
    if generators:
        cols.append(t("gen_col", lang))
    if readiness:
        cols.append(t("recall", lang))
    for c in cols:
        table.add_column(c)
    for r in stats["sections"]:
        row = [section_label(r["day"], r["section"], lang), f"{_bar(r['coverage'])} {r['seen']}/{r['items']}",
               f"{_bar(r['accuracy'])} {_pct(r['accuracy'])}",
               f"{r['exercises_passed']}/{r['exercises']}" if r["exercises"] else ""]
        if generators:
            row.append(f"{r['generators_mastered']}/{r['generators']}" if r["generators"] else "")
        if readiness:
            rr = recall.get((r["day"], r["section"]))
            row.append(f"{_bar(rr['recall'])} {_pct(rr['recall'])}" if rr and rr["recall"] is not None else "—")
        table.add_row(*row)
    console.print(table)
    if generators:
        console.print(t("gen_note", lang), style="dim")
    if stats["weakest"]:
        weakest = ", ".join(f"{section_label(w['day'], w['section'], lang)} ({_pct(w['accuracy'])})" for w in stats["weakest"])
        console.print(f"{t('weakest', lang)} [red]{weakest}[/]")
        w = stats["weakest"][0]
        console.print(t("try", lang, cmd=f"rabbit quiz {stage_key(w['day'])} --section {w['section']}"), style="dim")
    if stats["changed_items"]:
        ids = ", ".join(stats["changed_items"][:5]) + ("…" if len(stats["changed_items"]) > 5 else "")
        console.print(t("changed_items", lang, n=len(stats["changed_items"]), ids=ids), style="yellow")
    _render_last_exam(console, stats.get("last_exam"), lang)
    if readiness:
        console.print(t("readiness", lang, date=readiness["exam_date"], days=readiness["days_left"],
                        n=readiness["practised_items"], p=_pct(readiness["overall"])))
        console.print(t("caveat", lang), style="dim")
        _render_mock(console, readiness.get("mock"), lang)
    elif stats.get("exam_date_passed"):
        console.print(t("date_passed", lang, date=stats["exam_date_passed"]), style="yellow")
    else:
        console.print(t("no_exam_date", lang), style="dim")


def _area_name(row: dict, lang: str) -> str:
    from quiz.i18n import text
    from quiz.i18n.exam import AREA_SHORT

    return text(row["name"], lang) if row.get("name") else AREA_SHORT.get(row["area"], {}).get(lang, row["area"])


def _render_last_exam(console, last: dict | None, lang: str) -> None:
    """The last completed mock exam: date, score, the four areas beside the published averages."""
    if not last:
        return
    rate = round(100 * last["score"]) if last["score"] is not None else 0
    console.print(t("last_exam_head", lang, id=last["id"], date=last["date"], rate=rate,
                    correct=last["correct"], asked=last["asked"]), markup=False, soft_wrap=True)
    for a in last["areas"]:
        console.print("  " + t("last_exam_area", lang, name=_area_name(a, lang), correct=a["correct"], asked=a["asked"],
                               rate=_pct(a["correct"] / a["asked"]) if a["asked"] else "—",
                               published=f"{a['published']:.0f}"), markup=False, soft_wrap=True)
    console.print("  " + t("last_exam_review", lang, id=last["id"]), style="dim", markup=False, soft_wrap=True)


def _verdict(verdict: str, lang: str) -> str:
    if verdict == "above":
        return t("mock_above", lang)
    if verdict == "below":
        return t("mock_below", lang)
    return t("mock_near", lang)


def _render_mock(console, mock: dict | None, lang: str) -> None:
    """Readiness from the last mock exams: each area's pooled rate ± its standard error, beside the average."""
    if not mock:
        return
    console.print(t("mock_head", lang, n=len(mock["exams"]), asked=mock["asked"], sitting=mock["published_sitting"] or ""),
                  markup=False, soft_wrap=True)
    for a in mock["areas"]:
        name = _area_name(a, lang)
        if not a["asked"]:
            console.print("  " + t("mock_area_none", lang, name=name), markup=False, soft_wrap=True)
            continue
        console.print("  " + t("mock_area", lang, name=name, rate=f"{a['rate']:.0f}", se=f"{a['se']:.0f}", asked=a["asked"],
                               published=f"{a['published']:.0f}", verdict=_verdict(a["verdict"], lang)), markup=False, soft_wrap=True)
    for key in ("mock_how", "mock_rule", "mock_caveat"):
        console.print(t(key, lang, z=mock["z"]), style="dim", markup=False, soft_wrap=True)


def cmd_review(
    count: int = typer.Option(20, "--count", "-n", min=1, help="At most N questions."),
    cram: bool = typer.Option(False, "--cram", help="Also serve what is not due yet (does not move its schedule)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Same seed: options shown in the same order (default: a new order every run)."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary at the end."),
    lang: Optional[str] = LangOpt,
    framework: Optional[str] = framework_opt.option("the other framework's due items wait"),
) -> None:
    """Review what is due (FSRS), quiz items and exercises alike; misses come back in the run;
    options are shuffled at every attempt. / 復習。"""
    import random

    from quiz import bank, practice
    from quiz.commands.quiz_view import TerminalView
    from quiz.exercises import load_all
    from quiz.selection import review_queue
    from quiz.store import Store

    lang = pick_lang(lang)
    store = Store()
    exercises = load_all()
    questions = bank.for_framework(bank.load(), framework_opt.chosen(framework, store, lang))
    queue = review_queue(store, questions, exercises, count, cram)
    if not queue.picks:
        nxt = t("next_due", lang, when=queue.next_due.astimezone().strftime("%Y-%m-%d %H:%M")) if queue.next_due else ""
        print(t("nothing_due", lang, next=nxt))
        if json_out:
            print(json.dumps({"asked": 0, "correct": 0, "items": [], "due": 0}, ensure_ascii=False))
        return
    if seed is None:
        seed = random.randrange(1, 10**6)
    served = [practice.Served(p.question, record_id=p.record_id, kind=p.kind, detail=p.detail,
                              note=t("changed", lang) if p.changed else "") for p in queue.picks]
    run = practice.Session(served, store, exercises, seed, practice.REVIEW)
    view = TerminalView(lang, json_out)
    finished = run.play(view)
    tally = run.tally
    view.console.print()
    view.console.rule(f"[bold]{t('review_done', lang, correct=tally.correct, asked=tally.asked)}[/]")
    view.console.print(t("review_seed", lang, seed=seed), style="dim")
    if json_out:
        print(json.dumps(tally.summary(len(served), seed, finished), ensure_ascii=False, indent=1))
    raise typer.Exit(0 if tally.asked and tally.correct == tally.asked else 1)


def _item_sections() -> dict[str, tuple[int, int]]:
    """item id -> (day, section), for every question and exercise (a broken own bank costs only its names)."""
    from quiz import bank
    from quiz.exercises import load_all
    from quiz.problems import BankError

    out = {ex.id: (ex.day, ex.section) for ex in load_all().values()}
    try:
        out.update((q.id, (q.day, q.section)) for q in bank.load())
    except BankError:
        pass
    return out


def cmd_history(
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="How many recent attempts."),
    show: Optional[int] = typer.Option(None, "--show", metavar="ID",
                                       help="Show attempt ID again (the number in the # column; `id` in --json): "
                                            "the question as it was asked (a generated one with the same numbers), "
                                            "your answer, the key and the explanation; for a submission, its outcome."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Your most recent answers and submissions; --show ID brings one back. / 最近の回答。"""
    from datetime import datetime

    from quiz.store import Store

    lang = pick_lang(lang)
    if show is not None:
        row = Store().attempt(show) if show > 0 and home_has_db() else None
        if row is None:
            _usage(t("hs_no_attempt", lang, n=show))
        from quiz.commands import history_show

        history_show.show(row, lang, json_out)
        return
    rows = Store().recent_attempts(limit)
    where = _item_sections() if rows else {}
    items = [{**{k: v for k, v in r.items() if k != "item_hash"}, "correct": bool(r["correct"]),
              "day": where.get(r["item_id"], (None, None))[0], "section": where.get(r["item_id"], (None, None))[1]}
             for r in rows]
    if json_out:
        print(json.dumps(items, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from quiz.sections import section_label

    table = Table()
    for key in ("h_id", "h_when", "h_section", "h_item", "h_result", "h_answer", "h_seconds"):
        table.add_column(t(key, lang), overflow="fold" if key == "h_section" else "ellipsis",
                         justify="right" if key in ("h_id", "h_seconds") else "left")
    for it in items:
        when = datetime.fromisoformat(it["answered_at"]).astimezone().strftime("%m-%d %H:%M")
        mark = "[green]✔[/]" if it["correct"] else "[red]✘[/]"
        ans = (it["answer"] or "").replace("\n", " ")
        sec = section_label(it["day"], it["section"], lang) if it["day"] is not None else ""
        table.add_row(str(it["id"]), when, escape(sec), escape(it["item_id"]), mark, escape(ans[:40]), f"{(it['duration_ms'] or 0) / 1000:.1f}")
    console = Console(highlight=False)
    console.print(table)
    if items:
        console.print(t("hs_tip", lang, n=items[0]["id"]), style="dim")


def home_has_db() -> bool:
    """Whether there is a record to look in (a look never creates the database)."""
    from quiz import home

    return home.db_path().exists()


def cmd_export(
    fmt: str = typer.Option("json", "--format", "-f", help="json or csv."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (default: standard output)."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Write the whole attempt log as JSON or CSV. / 記録の書き出し。"""
    from quiz import transfer
    from quiz.store import Store

    lang = pick_lang(lang)
    if fmt not in ("json", "csv"):
        _usage(t("bad_format", lang))
    data = transfer.export(Store(), fmt)
    if output is None:
        sys.stdout.write(data)
        return
    try:
        output.write_text(data, encoding="utf-8")
    except OSError as e:
        _usage(f"{output}: {e.strerror or e}")
    n = data.count("\n") - 1 if fmt == "csv" else len(json.loads(data)["attempts"])
    print(t("exported", lang, n=n, path=output), file=sys.stderr)


def cmd_import(file: Path = typer.Argument(..., help="A file written by rabbit export (json or csv)."),
               lang: Optional[str] = LangOpt) -> None:
    """Merge an exported log into yours; rows already there are skipped. / 記録の取り込み。"""
    from quiz import transfer
    from quiz.store import Store

    lang = pick_lang(lang)
    try:
        added, skipped = transfer.import_file(Store(), file)
    except transfer.ImportFileError as e:
        _usage(e.message(lang))
    print(t("imported", lang, added=added, skipped=skipped))


config_app = typer.Typer(help="Your settings. / 設定。", no_args_is_help=True)


@config_app.command("exam-date")
def cmd_exam_date(
    value: Optional[str] = typer.Argument(None, help="YYYY-MM-DD, today or later; omit to show the current one."),
    clear: bool = typer.Option(False, "--clear", help="Forget the exam date."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Set (or show) your exam date, for the readiness estimate in rabbit stats. / 試験日。"""
    from quiz.store import Store

    lang = pick_lang(lang)
    store = Store()
    if clear:
        store.set_config("exam_date", None)
        print(t("date_cleared", lang))
    elif value is None:
        saved = store.get_config("exam_date")
        print(saved if saved else t("date_none", lang))
    else:
        when = _parse_exam_date(value, lang, "rabbit config exam-date")
        store.set_config("exam_date", when.isoformat())
        print(t("date_set", lang, date=when.isoformat()))


@config_app.command("framework")
def cmd_framework(
    value: Optional[str] = typer.Argument(None, metavar="[pytorch|tensorflow|none]", autocompletion=framework_opt.complete,
                                          help="The framework you will choose at the exam; none: both; omit to show."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Set (or show) your framework: quiz, review and exam then leave out the other one's items. / フレームワーク。"""
    from quiz.store import Store

    lang = pick_lang(lang)
    store = Store()
    if value is None:
        saved = store.get_config(framework_opt.CONFIG_KEY)
        print(saved if saved in framework_opt.FRAMEWORKS else t("framework_none", lang))
        return
    chosen = framework_opt.parse(value, lang, "rabbit config framework")
    store.set_config(framework_opt.CONFIG_KEY, chosen)
    print(t("framework_set", lang, framework=chosen) if chosen else t("framework_cleared", lang))


def register(app: typer.Typer) -> None:
    app.command("stats")(cmd_stats)
    app.command("review")(cmd_review)
    app.command("history")(cmd_history)
    app.command("export")(cmd_export)
    app.command("import")(cmd_import)
    app.add_typer(config_app, name="config")
