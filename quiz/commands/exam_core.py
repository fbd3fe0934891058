"""What rabbit exam does, without the CLI framework: `run` is the whole command (exam_cmds gives
it typer's options), and `fast` parses a plain command line itself so that the first card does not
wait for typer's import (about 100 ms)."""

from __future__ import annotations

import json
import random
import sys

from quiz.i18n import pick_lang, t

DEFAULT_MINUTES = 120
DEFAULT_COUNT = 100


class _Done(Exception):
    """The command's end with an exit code (typer.Exit without typer)."""

    def __init__(self, code: int):
        self.code = code


def run(exam_id: int | None, minutes: str, count: str, seed: int | None, resume: bool, count_away: bool,
        review: bool, lang: str | None, json_out: bool, framework: str | None) -> int:
    """The mock exam; returns the exit code (0 completed or reviewed, 1 paused; usage errors exit 2)."""
    try:
        _run(exam_id, minutes, count, seed, resume, count_away, review, lang, json_out, framework)
    except _Done as done:
        return done.code
    return 0


def _run(exam_id, minutes, count, seed, resume, count_away, review, lang, json_out, framework) -> None:
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
        questions = bank.load()
    else:
        mins, n = _number(minutes, float), _number(count, int)
        if mins is None:
            _usage(t("exam_bad_minutes", lang, value=minutes))
        if n is None:
            _usage(t("exam_bad_count", lang, value=count))
        from datetime import datetime, timedelta, timezone

        from quiz.commands import framework_opt
        from quiz.exam import draw

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
    _sit(store, row, lang, json_out, questions)


def _sit(store, row: dict, lang: str, json_out: bool, questions: list) -> None:
    from quiz import syllabus
    from quiz.exam import result, sitting
    from quiz.exam.view import ExamView, clock

    from quiz.exercises import load_all

    s = sitting.Sitting(row, {q.id: q for q in questions}, store, load_all())  # a code item shows its exercise
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
        raise _Done(1)
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
    from quiz.exercises import load_all

    s = sitting.Sitting(row, {q.id: q for q in bank.load()}, store, load_all())
    view = ExamView(lang, row["id"], json_out)
    sheet.show(view, row["result"], lang)
    sheet.misses(view, s, row["result"], lang)
    if json_out:
        print(json.dumps({**row["result"], "state": "completed"}, ensure_ascii=False, indent=2))



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
    raise SystemExit(2)




VALUED = {"--minutes": "minutes", "-m": "minutes", "--count": "count", "-n": "count", "--seed": "seed",
          "--lang": "lang", "--framework": "framework"}
FLAGS = {"--resume": "resume", "--count-away": "count_away", "--review": "review", "--json": "json_out"}


def fast(argv: list[str]) -> int | None:
    """`rabbit exam [ID] [options]` parsed here; anything this parser is unsure of (help, an unknown
    option, a missing or non-integer value, a second ID) returns None and typer parses it as usual."""
    from quiz.commands import argv as args

    given = args.read(argv, VALUED, FLAGS, ints=("seed",), positional="exam_id")
    if given is None:
        return None
    if isinstance(given.get("exam_id"), str):  # the positional ID: an integer, else typer says so
        try:
            given["exam_id"] = int(given["exam_id"])
        except ValueError:
            return None
    return run(**{"exam_id": None, "minutes": str(DEFAULT_MINUTES), "count": str(DEFAULT_COUNT), "seed": None,
                  "resume": False, "count_away": False, "review": False, "lang": None, "json_out": False,
                  "framework": None, **given})
