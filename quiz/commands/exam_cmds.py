"""rabbit exam (a timed mock E資格, resumable) and rabbit exams (the list of past mock exams).
rabbit exam's options are declared here; what it does is quiz.commands.exam_core's (also reached without typer)."""

from __future__ import annotations

import json
from typing import Optional

import typer

from quiz.commands.exam_core import DEFAULT_COUNT, DEFAULT_MINUTES
from quiz.i18n import pick_lang, t


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
    the 開発環境 share of a sitting), choice, multi-choice, calculation and code-choice items (question sets whole), items answered
    in the last 3 days avoided where the bank allows. The clock and the pace (72 s a question) are
    on every card; no verdicts until the end. At the prompt: an answer, f flag, b/n back/next, g N
    go to N, l list unanswered and flagged, end hand in. Every answer is saved as given: end of input
    or Ctrl-C then p pauses; rabbit exam --resume continues. The result: overall, by area (応用数学,
    機械学習, 深層学習, 開発環境) and chapter beside JDLA's 2025#1 averages, the weakest syllabus items,
    then the misses. Exit 0 when the exam is completed (handed in or time up), 1 when paused.
    / E資格の模擬試験 (120 分 100 問、中断・再開できます)。"""
    from quiz.commands.exam_core import run

    raise typer.Exit(run(exam_id, minutes, count, seed, resume, count_away, review, lang, json_out, framework))


def cmd_exams(
    lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG."),
    json_out: bool = typer.Option(False, "--json", help="Print the list as JSON (each exam's `change`: points against "
                                                       "the previous completed exam, null for the first and for paused ones)."),
) -> None:
    """List past mock exams: date, score, the four areas, completed or paused, and the trend: each
    completed exam's change against the previous one, the scores over time and the direction of the
    last few (paused exams take no part in it). / 模擬試験の記録と得点の推移。"""
    from quiz.progress import exam_changes
    from quiz.store import Store

    lang = pick_lang(lang)
    rows = Store().exam_list()
    changes = exam_changes(rows)
    out = []
    for r in rows:
        res = r["result"] or {}
        out.append({"id": r["id"], "started": r["started"], "state": r["state"] if r["state"] == "completed" else "paused",
                    "minutes": r["minutes"], "asked": len(r["items"]), "score": res.get("score"),
                    "time_used": res.get("time_used"),
                    "areas": {a["area"]: {"correct": a["correct"], "asked": a["asked"]} for a in res.get("areas", [])},
                    "change": changes.get(r["id"])})
    if json_out:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not out:
        print(t("exam_list_empty", lang))
        return
    from quiz.i18n.exam import AREA_SHORT

    head = ["#", t("exam_date", lang), t("exam_score", lang), t("trend_change", lang)] + \
        [AREA_SHORT[a][lang] for a in AREA_SHORT] + [t("exam_status", lang)]
    print("  ".join(head))
    for e in out:
        score = "-" if e["score"] is None else f"{100 * e['score']:.0f}%"
        change = "-" if e["change"] is None else f"{e['change']:+.0f} pt"
        areas = [f"{100 * v['correct'] / v['asked']:.0f}%" if v["asked"] else "-" for v in
                 (e["areas"].get(a, {"correct": 0, "asked": 0}) for a in AREA_SHORT)] if e["areas"] else ["-"] * len(AREA_SHORT)
        state = t("exam_state_completed" if e["state"] == "completed" else "exam_state_paused", lang)
        print("  ".join([str(e["id"]), e["started"][:16].replace("T", " "), score, change, *areas, state]))
    _trend(out, [r["id"] for r in rows if r["id"] in changes], lang)


def _trend(exams: list[dict], in_trend: list[int], lang: str) -> None:
    """The last line of rabbit exams: the completed exams' scores over time and the last few's direction."""
    from quiz.progress import TREND_EXAMS, sparkline

    by_id = {e["id"]: e for e in exams}
    scores = [100 * by_id[i]["score"] for i in in_trend]
    if not scores:
        return
    spark = sparkline([round(s) for s in scores], top=100)
    if len(scores) == 1:
        print(t("trend_one", lang, spark=spark, last=f"{scores[-1]:.0f}"))
    else:
        recent = scores[-TREND_EXAMS:]
        net = round(recent[-1] - recent[0], 1)
        direction = t("trend_up", lang) if net > 0 else t("trend_down", lang) if net < 0 else t("trend_flat", lang)
        print(t("trend_line", lang, n=len(scores), spark=spark, first=f"{scores[0]:.0f}", last=f"{scores[-1]:.0f}")
              + " · " + t("trend_recent", lang, n=len(recent), change=f"{net:+.0f}", direction=direction))
    if len(in_trend) < len(exams):
        print(t("trend_paused_note", lang))


def register(app: typer.Typer) -> None:
    app.command("exam")(cmd_exam)
    app.command("exams")(cmd_exams)
