"""rabbit exam (a timed mock E資格, resumable) and rabbit exams (the list of past mock exams)."""

from __future__ import annotations

import json
import random
import sys
from typing import Optional

import typer

from quiz.i18n import pick_lang, t

DEFAULT_MINUTES = 120
DEFAULT_COUNT = 100


def cmd_exam(
    exam_id: Optional[int] = typer.Argument(None, metavar="[ID]", help="With --review: which exam (default: the last finished one)."),
    minutes: str = typer.Option(str(DEFAULT_MINUTES), "--minutes", "-m", help=f"Time allowed (default {DEFAULT_MINUTES}, as the real exam)."),
    count: str = typer.Option(str(DEFAULT_COUNT), "--count", "-n", help=f"Questions (default {DEFAULT_COUNT}); a short rehearsal: --count 20 --minutes 24."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Same seed (and same record): the same exam, options in the same order, the same variants."),
    resume: bool = typer.Option(False, "--resume", help="Continue the last exam not handed in, with its answers and the time that was left: "
                                                        "time spent away is not counted (unless --count-away)."),
    count_away: bool = typer.Option(False, "--count-away", help="With --resume: the clock ran on while you were away."),
    review: bool = typer.Option(False, "--review", help="Show a finished exam's misses with their explanations (rabbit exam --review [ID])."),
    lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON (id, score, areas, chapters, items); cards go to stderr."),
    framework: Optional[str] = typer.Option(None, "--framework", metavar="pytorch|tensorflow",
                                            help="The framework whose questions the exam asks (one only, as the real exam has "
                                                 "you choose); default: rabbit config framework, else one drawn by the seed."),
) -> None:
    """Sit a timed mock E資格: 100 questions in 120 minutes, drawn by syllabus chapter in proportion
    to each chapter's share of the syllabus items (1 数学的基礎 7, 2 機械学習 12, 3 深層学習の基礎 23,
    4 深層学習の応用 26, 5 開発・運用環境 5 of 73: about 10/16/31/36/7 questions; chapter 5 is near
    the 開発環境 share of a sitting), choice, multi-choice and calculation items only, items answered
    in the last 3 days avoided where the bank allows. The clock and the pace (72 s a question) are
    on every card; no verdicts until the end. At the prompt: an answer, f flag, b/n back/next, g N
    go to N, l list unanswered and flagged, end hand in. Every answer is saved as given: end of input
    or Ctrl-C then p pauses; rabbit exam --resume continues. The result: overall, by area (応用数学,
    機械学習, 深層学習, 開発環境) and chapter beside JDLA's 2025#1 averages, the weakest syllabus items,
    then the misses. Exit 0 when the exam is completed (handed in or time up), 1 when paused.
    / E資格の模擬試験 (120 分 100 問、中断・再開できます)。"""
    lang = pick_lang(lang)
    if review:
        _review(exam_id, lang, json_out)
        return
    if exam_id is not None:
        _usage(t("exam_not_found", lang, id=exam_id) + " (ID: --review)")
    from quiz import bank, syllabus
    from quiz.store import Store

    if resume:
        store = Store()
        row = store.exam_unfinished()
        if row is None:
            _usage(t("exam_none_paused", lang))
        if count_away:
            from datetime import datetime, timezone

            away = (datetime.now(timezone.utc) - datetime.fromisoformat(row["last_seen"])).total_seconds()
            row["time_left"] = max(0.0, row["time_left"] - max(0.0, away))
        store.exam_set_state(row["id"], "running", row["time_left"])
    else:
        mins, n = _number(minutes, float), _number(count, int)
        if mins is None:
            _usage(t("exam_bad_minutes", lang, value=minutes))
        if n is None:
            _usage(t("exam_bad_count", lang, value=count))
        from datetime import datetime, timedelta, timezone

        from quiz.exam import draw

        from quiz.commands import framework_opt

        store = Store()
        chosen = framework_opt.chosen(framework, store, lang)
        recent = store.answered_since((datetime.now(timezone.utc) - timedelta(days=draw.RECENT_DAYS)).isoformat())
        seed = seed if seed is not None else random.randrange(1, 10**6)
        questions = bank.load()
        if chosen is None and any(q.framework for q in questions):
            print(t("exam_framework", lang, framework=draw.framework_for(seed)), file=sys.stderr)
        items = draw.draw(questions, syllabus.load(), n, seed, recent, chosen)
        if not items:
            _usage(t("exam_short", lang, n=0))
        exam = store.exam_create(seed, mins, [q.id for q in items])
        row = store.exam_get(exam)
        if len(items) < n:
            print(t("exam_short", lang, n=len(items)), file=sys.stderr)
    _sit(store, row, lang, json_out)


def _sit(store, row: dict, lang: str, json_out: bool) -> None:
    from quiz import bank, syllabus
    from quiz.exam import result, sitting
    from quiz.exam.view import ExamView, clock

    questions = {q.id: q for q in bank.load()}
    s = sitting.Sitting(row, questions, store, {})
    view = ExamView(lang, row["id"], json_out)
    view.time_left = s.time_left
    how = s.play(view)
    if how == "paused":
        view.console.print()
        view.console.print(t("exam_paused", lang, id=row["id"], left=clock(s.time_left()), total=len(s.positions),
                             answered=len(s.positions) - s.unanswered()), markup=False)
        if json_out:
            print(json.dumps({"id": row["id"], "state": "paused", "time_left": round(s.time_left(), 1),
                              "answered": len(s.positions) - s.unanswered(), "asked": len(s.positions)}, indent=2))
        raise typer.Exit(1)
    if how == "time":
        view.console.print()
        view.console.print(t("exam_time_up", lang), style="bold yellow", markup=False)
    res = result.score(s, syllabus.load(), row["minutes"], s.left_at_end)
    s.hand_in(res)
    from quiz.exam import sheet

    sheet.show(view, res, lang)
    sheet.misses(view, s, res, lang)
    view.console.print(t("exam_review_later", lang, id=row["id"]), style="dim", markup=False)
    if json_out:
        print(json.dumps({**res, "state": "completed"}, ensure_ascii=False, indent=2))


def _review(exam_id: int | None, lang: str, json_out: bool) -> None:
    from quiz import bank
    from quiz.exam import sheet, sitting
    from quiz.exam.view import ExamView
    from quiz.store import Store

    store = Store()
    row = store.exam_get(exam_id) if exam_id is not None else store.exam_latest_completed()
    if row is None or row["state"] != "completed":
        _usage(t("exam_not_found", lang, id=exam_id) if exam_id is not None else t("exam_none_done", lang))
    s = sitting.Sitting(row, {q.id: q for q in bank.load()}, store, {})
    view = ExamView(lang, row["id"], json_out)
    sheet.show(view, row["result"], lang)
    sheet.misses(view, s, row["result"], lang)
    if json_out:
        print(json.dumps({**row["result"], "state": "completed"}, ensure_ascii=False, indent=2))


def cmd_exams(
    lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG."),
    json_out: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List past mock exams: date, score, the four areas, completed or paused. / 模擬試験の記録。"""
    from quiz.store import Store

    lang = pick_lang(lang)
    rows = Store().exam_list()
    out = []
    for r in rows:
        res = r["result"] or {}
        out.append({"id": r["id"], "started": r["started"], "state": r["state"] if r["state"] == "completed" else "paused",
                    "minutes": r["minutes"], "asked": len(r["items"]), "score": res.get("score"),
                    "time_used": res.get("time_used"),
                    "areas": {a["area"]: {"correct": a["correct"], "asked": a["asked"]} for a in res.get("areas", [])}})
    if json_out:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not out:
        print(t("exam_list_empty", lang))
        return
    from quiz.i18n.exam import AREA_SHORT

    head = ["#", t("exam_date", lang), t("exam_score", lang)] + [AREA_SHORT[a][lang] for a in AREA_SHORT] + [t("exam_status", lang)]
    print("  ".join(head))
    for e in out:
        score = "-" if e["score"] is None else f"{100 * e['score']:.0f}%"
        areas = [f"{100 * v['correct'] / v['asked']:.0f}%" if v["asked"] else "-" for v in
                 (e["areas"].get(a, {"correct": 0, "asked": 0}) for a in AREA_SHORT)] if e["areas"] else ["-"] * len(AREA_SHORT)
        state = t("exam_state_completed" if e["state"] == "completed" else "exam_state_paused", lang)
        print("  ".join([str(e["id"]), e["started"][:16].replace("T", " "), score, *areas, state]))


def _number(value: str, kind):
    """A number above 0 (full-width digits too), or None."""
    from quiz.typed import nfkc

    try:
        n = kind(nfkc(value).strip())
    except ValueError:
        return None
    return n if 0 < n < float("inf") else None


def _usage(message: str) -> None:
    print(f"rabbit: {message}", file=sys.stderr)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command("exam")(cmd_exam)
    app.command("exams")(cmd_exams)
