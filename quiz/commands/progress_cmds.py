"""rabbit stats / review / history / export / import / config: what the attempt log says."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer

from quiz import completion
from quiz.commands.common import parse_day
from quiz.commands.common import usage as _usage
from quiz.i18n import pick_lang

LangOpt = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG.")

L = {
    "attempts": {"ja": "回答 {n} 件", "en": "{n} answers"},
    "streak": {"ja": "連続学習 {n} 日", "en": "{n}-day streak"},
    "activity": {"ja": "直近 {n} 日の学習量", "en": "activity, last {n} days"},
    "section": {"ja": "セクション", "en": "Section"},
    "coverage": {"ja": "カバー率", "en": "Coverage"},
    "accuracy": {"ja": "正答率 (最近ほど重視)", "en": "Accuracy (recent weighs more)"},
    "exercises": {"ja": "演習", "en": "Exercises"},
    "recall": {"ja": "試験日の想起率", "en": "Recall on exam day"},
    "weakest": {"ja": "弱いセクションから:", "en": "Weakest first:"},
    "try": {"ja": "おすすめ: {cmd}", "en": "Next: {cmd}"},
    "changed": {"ja": "前回の回答後に内容が変わった問題: {n} 件 ({ids})", "en": "{n} item(s) changed since you last answered them ({ids})"},
    "readiness": {"ja": "試験日 {date} まで {days} 日。演習済み {n} 問の平均想起率 {p}", "en": "{days} days to the exam on {date}. Mean predicted recall of the {n} practised items: {p}"},
    "caveat": {"ja": "※ 演習した問題だけが対象です。まだ解いていない範囲は含まれません。", "en": "Note: this covers only what you have practised; untouched topics are not in it."},
    "no_exam_date": {"ja": "試験日を設定すると想起率の予測を表示します: rabbit config exam-date YYYY-MM-DD", "en": "Set an exam date to see predicted recall: rabbit config exam-date YYYY-MM-DD"},
    "empty": {"ja": "まだ記録がありません。まずは: rabbit quiz day3", "en": "Nothing recorded yet. Start with: rabbit quiz day3"},
    "nothing_due": {"ja": "今日の復習はありません{next}。先取りするなら rabbit review --cram、新しい問題は rabbit quiz day3", "en": "Nothing is due{next}. Get ahead with rabbit review --cram, or new questions with rabbit quiz day3"},
    "next_due": {"ja": " (次は {when})", "en": " (next: {when})"},
    "review_done": {"ja": "復習: {correct}/{asked} 問正解", "en": "Review: {correct}/{asked} correct"},
    "review_seed": {"ja": "選択肢を同じ並びで出すには: rabbit review --seed {seed}",
                    "en": "To see the options in the same order again: rabbit review --seed {seed}"},
    "changed_note": {"ja": "前回の回答後に問題文が変わっています", "en": "this question changed since you last answered it"},
    "bad_date": {"ja": "日付は YYYY-MM-DD で指定してください: {got!r}", "en": "give the date as YYYY-MM-DD, got {got!r}"},
    "past_date": {"ja": "試験日 {date} は過去の日付です (今日は {today})。今日以降の日付を指定してください: {fix} YYYY-MM-DD",
                  "en": "the exam date {date} is in the past (today is {today}). Give today or a later date: {fix} YYYY-MM-DD"},
    "date_passed": {"ja": "設定された試験日 {date} は過ぎたので、試験日に向けた予測は表示しません。次の試験日を設定するには: rabbit config exam-date YYYY-MM-DD (消すには --clear)",
                    "en": "Your exam date {date} has passed, so there is no forecast. Set the next one with: rabbit config exam-date YYYY-MM-DD (or --clear)"},
    "date_set": {"ja": "試験日を {date} に設定しました。", "en": "Exam date set to {date}."},
    "date_cleared": {"ja": "試験日の設定を消しました。", "en": "Exam date cleared."},
    "date_none": {"ja": "試験日は未設定です。", "en": "No exam date set."},
    "exported": {"ja": "{n} 件を {path} に書き出しました。", "en": "Wrote {n} attempts to {path}."},
    "imported": {"ja": "{added} 件を追加しました (既にあった {skipped} 件はそのまま)。", "en": "Added {added} attempts ({skipped} were already there)."},
    "bad_format": {"ja": "--format は json か csv です。", "en": "--format must be json or csv."},
    "h_when": {"ja": "日時", "en": "when"},
    "h_section": {"ja": "セクション", "en": "section"},
    "h_item": {"ja": "問題", "en": "item"},
    "h_result": {"ja": "結果", "en": "result"},
    "h_answer": {"ja": "回答", "en": "answer"},
    "h_seconds": {"ja": "所要 (秒)", "en": "time (s)"},
}


def m(_key: str, _lang: str, **kw) -> str:
    return L[_key][_lang].format(**kw)


def _parse_exam_date(value: str, lang: str, fix: str) -> date:
    """An exam date: YYYY-MM-DD (full-width digits too), today or later (`fix` says where to give it)."""
    from quiz.answers import nfkc

    try:
        when = date.fromisoformat(nfkc(value).strip())
    except ValueError:
        _usage(m("bad_date", lang, got=value))
    today = date.today()
    if when < today:
        _usage(m("past_date", lang, date=when.isoformat(), today=today.isoformat(), fix=fix))
    return when


def _bar(frac: float | None, width: int = 10) -> str:
    if frac is None:
        return "·" * width
    n = round(frac * width)
    return "█" * n + "░" * (width - n)


def _pct(frac: float | None) -> str:
    return "—" if frac is None else f"{100 * frac:.0f}%"


def cmd_stats(
    day: Optional[str] = typer.Argument(None, help="day1-day4 (default: every day).", autocompletion=completion.days),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    exam_date: Optional[str] = typer.Option(None, "--exam-date", help="YYYY-MM-DD, today or later; default: rabbit config exam-date."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Where you stand per section: coverage, accuracy, exercises, streak, readiness. / 学習状況。"""
    from quiz import bank, progress
    from quiz.exercises import load_all
    from quiz.store import Store

    lang = pick_lang(lang)
    d = parse_day(day, lang) if day is not None else None
    store = Store()
    when = _parse_exam_date(exam_date, lang, "--exam-date") if exam_date else None
    if when is None:
        saved = store.get_config("exam_date")
        when = date.fromisoformat(saved) if saved else None
    stats = progress.compute(store, bank.load(), load_all(), exam_date=when, day=d)
    if json_out:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
        return
    _render_stats(stats, lang, d)


def _render_stats(stats: dict, lang: str, day: int | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from quiz.progress import ACTIVITY_DAYS, sparkline
    from quiz.sections import section_label

    console = Console(highlight=False)
    if not stats["total_attempts"]:
        console.print(m("empty", lang))
        return
    counts = [a["count"] for a in stats["activity"]]
    console.print(f"[bold]{m('attempts', lang, n=stats['total_attempts'])}[/] · "
                  f"[bold yellow]🔥 {m('streak', lang, n=stats['streak'])}[/]")
    console.print(f"{m('activity', lang, n=ACTIVITY_DAYS)}: [cyan]{sparkline(counts)}[/] "
                  f"[dim]{stats['activity'][0]['date']} → {stats['activity'][-1]['date']}[/]")
    readiness = stats["readiness"]
    recall = {(r["day"], r["section"]): r for r in readiness["sections"]} if readiness else {}
    table = Table()
    cols = [m("section", lang), m("coverage", lang), m("accuracy", lang), m("exercises", lang)]
    if readiness:
        cols.append(m("recall", lang))
    for c in cols:
        table.add_column(c)
    for r in stats["sections"]:
        row = [section_label(r["day"], r["section"], lang), f"{_bar(r['coverage'])} {r['seen']}/{r['items']}",
               f"{_bar(r['accuracy'])} {_pct(r['accuracy'])}",
               f"{r['exercises_passed']}/{r['exercises']}" if r["exercises"] else ""]
        if readiness:
            rr = recall.get((r["day"], r["section"]))
            row.append(f"{_bar(rr['recall'])} {_pct(rr['recall'])}" if rr and rr["recall"] is not None else "—")
        table.add_row(*row)
    console.print(table)
    if stats["weakest"]:
        weakest = ", ".join(f"{section_label(w['day'], w['section'], lang)} ({_pct(w['accuracy'])})" for w in stats["weakest"])
        console.print(f"{m('weakest', lang)} [red]{weakest}[/]")
        w = stats["weakest"][0]
        console.print(m("try", lang, cmd=f"rabbit quiz day{w['day']} --section {w['section']}"), style="dim")
    if stats["changed_items"]:
        ids = ", ".join(stats["changed_items"][:5]) + ("…" if len(stats["changed_items"]) > 5 else "")
        console.print(m("changed", lang, n=len(stats["changed_items"]), ids=ids), style="yellow")
    if readiness:
        console.print(m("readiness", lang, date=readiness["exam_date"], days=readiness["days_left"],
                        n=readiness["practised_items"], p=_pct(readiness["overall"])))
        console.print(m("caveat", lang), style="dim")
    elif stats.get("exam_date_passed"):
        console.print(m("date_passed", lang, date=stats["exam_date_passed"]), style="yellow")
    else:
        console.print(m("no_exam_date", lang), style="dim")


def cmd_review(
    count: int = typer.Option(20, "--count", "-n", min=1, help="At most N questions."),
    cram: bool = typer.Option(False, "--cram", help="Also serve what is not due yet (does not move its schedule)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Same seed: options shown in the same order (default: a new order every run)."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary at the end."),
    lang: Optional[str] = LangOpt,
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
    queue = review_queue(store, bank.load(), exercises, count, cram)
    if not queue.picks:
        nxt = m("next_due", lang, when=queue.next_due.astimezone().strftime("%Y-%m-%d %H:%M")) if queue.next_due else ""
        print(m("nothing_due", lang, next=nxt))
        if json_out:
            print(json.dumps({"asked": 0, "correct": 0, "items": [], "due": 0}, ensure_ascii=False))
        return
    if seed is None:
        seed = random.randrange(1, 10**6)
    served = [practice.Served(p.question, record_id=p.record_id, kind=p.kind, detail=p.detail,
                              note=m("changed_note", lang) if p.changed else "") for p in queue.picks]
    run = practice.Session(served, store, exercises, seed, practice.REVIEW)
    view = TerminalView(lang, json_out)
    finished = run.play(view)
    tally = run.tally
    view.console.print()
    view.console.rule(f"[bold]{m('review_done', lang, correct=tally.correct, asked=tally.asked)}[/]")
    view.console.print(m("review_seed", lang, seed=seed), style="dim")
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
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Your most recent answers and submissions. / 最近の回答。"""
    from datetime import datetime

    from quiz.store import Store

    lang = pick_lang(lang)
    rows = Store().recent_attempts(limit)
    where = _item_sections() if rows else {}
    items = [{**r, "correct": bool(r["correct"]), "day": where.get(r["item_id"], (None, None))[0],
              "section": where.get(r["item_id"], (None, None))[1]} for r in rows]
    if json_out:
        print(json.dumps(items, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    from quiz.sections import section_label

    table = Table()
    for key in ("h_when", "h_section", "h_item", "h_result", "h_answer", "h_seconds"):
        table.add_column(m(key, lang), overflow="fold" if key == "h_section" else "ellipsis",
                         justify="right" if key == "h_seconds" else "left")
    for it in items:
        when = datetime.fromisoformat(it["answered_at"]).astimezone().strftime("%m-%d %H:%M")
        mark = "[green]✔[/]" if it["correct"] else "[red]✘[/]"
        ans = (it["answer"] or "").replace("\n", " ")
        sec = section_label(it["day"], it["section"], lang) if it["day"] is not None else ""
        table.add_row(when, sec, it["item_id"], mark, ans[:40], f"{(it['duration_ms'] or 0) / 1000:.1f}")
    Console(highlight=False).print(table)


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
        _usage(m("bad_format", lang))
    data = transfer.export(Store(), fmt)
    if output is None:
        sys.stdout.write(data)
        return
    try:
        output.write_text(data, encoding="utf-8")
    except OSError as e:
        _usage(f"{output}: {e.strerror or e}")
    n = data.count("\n") - 1 if fmt == "csv" else len(json.loads(data)["attempts"])
    print(m("exported", lang, n=n, path=output), file=sys.stderr)


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
    print(m("imported", lang, added=added, skipped=skipped))


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
        print(m("date_cleared", lang))
    elif value is None:
        saved = store.get_config("exam_date")
        print(saved if saved else m("date_none", lang))
    else:
        when = _parse_exam_date(value, lang, "rabbit config exam-date")
        store.set_config("exam_date", when.isoformat())
        print(m("date_set", lang, date=when.isoformat()))


def register(app: typer.Typer) -> None:
    app.command("stats")(cmd_stats)
    app.command("review")(cmd_review)
    app.command("history")(cmd_history)
    app.command("export")(cmd_export)
    app.command("import")(cmd_import)
    app.add_typer(config_app, name="config")
