"""rabbit quiz DAY|math|ml [--topic ID]: exam-style questions, graded on the spot, every answer recorded at once."""

from __future__ import annotations

import json
import random
import sys
from typing import List, Optional

import typer

from quiz import completion
from quiz.commands import framework_opt
from quiz.commands.common import usage
from quiz.i18n import pick_lang, t

DEFAULT_COUNT = 10  # questions in a session unless --count says otherwise


def cmd_quiz(
    day: Optional[str] = typer.Argument(None, help="day1, day2, day3 or day4 (or 1-4), math (応用数学) or ml (機械学習); "
                                             "optional with --topic.", autocompletion=completion.days),
    topic: Optional[List[str]] = typer.Option(None, "--topic", "-t", metavar="ID",
                                              help="Only items of these syllabus ids (3-5-2; a prefix such as 4-2 or 3; "
                                                   "repeat or separate by commas). rabbit syllabus lists them."),
    section: Optional[int] = typer.Option(None, "--section", "-s", help="Only this section (0 = review of the previous day)."),
    count: str = typer.Option(str(DEFAULT_COUNT), "--count", "-n", metavar="N|all",
                              help=f"Questions in the session (default {DEFAULT_COUNT}): unseen first, then weak "
                                   "(missed last time, low accuracy), then the rest; all for every question."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Same seed (and same record): same questions, same order, options in the same order."),
    lang: Optional[str] = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG."),
    missed: bool = typer.Option(False, "--missed", help="Only questions whose last answer was wrong."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary at the end (questions go to stderr)."),
    framework: Optional[str] = framework_opt.option("PyTorch or TensorFlow, as you will choose at the exam"),
) -> None:
    """Take an exam-style quiz: one answer per line (? if you don't know); options are shuffled at
    every attempt; exit 0 all correct, 1 otherwise. / 確認テストと E資格形式の問題 (わからなければ ?)。"""
    from quiz import bank, practice, session
    from quiz.commands.quiz_view import TerminalView
    from quiz.sections import stage_key, stage_label
    from quiz.exercises import load_all
    from quiz.store import Store

    lang = pick_lang(lang)
    d = _parse_stage(day, lang) if day is not None else None
    topics = _parse_topics(topic or [], lang)
    if d is None and topics is None:
        usage(t("bad_stage", lang, what="DAY (or --topic ID)", got=""))
    limit = _parse_count(count, lang)
    store = Store()
    chosen = framework_opt.chosen(framework, store, lang)
    questions = bank.for_framework(bank.load(), chosen)
    if topics is not None:
        questions = [q for q in questions if set(q.syllabus) & topics]
    only = None
    if missed:
        only = store.missed_ids()
    if seed is None:
        seed = random.randrange(1, 10**6)
    record = {k: session.ItemRecord(*v) for k, v in store.item_records().items()}
    items = session.select(questions, d, section, limit, seed, only, record)
    target = " ".join(([stage_key(d)] if d is not None else []) + [f"--topic {x}" for x in (topic or [])])
    if not items:
        sec = f" S{section}" if section is not None else ""
        if missed:
            where = " ".join(([stage_label(d, lang)] if d is not None else []) + [f"--topic {x}" for x in (topic or [])])
            print(t("none_missed", lang, where=where))
            return
        if topics is not None:
            where = f" ({stage_label(d, lang)}{sec})" if d is not None else sec
            print(f"rabbit: {t('none_for_topic', lang, topics=', '.join(topic or []), where=where)}", file=sys.stderr)
        elif d < 1:  # a course stage whose questions have not been written yet
            print(f"rabbit: {t('none_for_stage', lang, stage=stage_label(d, lang), sec=sec, key=stage_key(d))}", file=sys.stderr)
        else:
            sections = sorted({q.section for q in questions if q.day == d})
            print(f"rabbit: {t('none_found', lang, day=d, sec=sec, sections=sections)}", file=sys.stderr)
        raise typer.Exit(2)
    seen = store.last_hashes([q.id for q in items])
    changed = {q.id for q in items if q.id in seen and seen[q.id] != q.content_hash}
    served = [practice.Served(q, note=t("changed", lang) if q.id in changed else "") for q in items]
    run = practice.Session(served, store, load_all(), seed, practice.PRACTICE)
    view = TerminalView(lang, json_out)
    finished = run.play(view)
    tally = run.tally
    opts = (f" --section {section}" if section is not None else "") \
        + (f" --count {count.strip()}" if count.strip() != str(DEFAULT_COUNT) else "") \
        + (" --missed" if missed else "") \
        + (f" --framework {framework_opt.parse(framework, lang, '--framework') or 'none'}" if framework is not None else "")
    _summary(view.console, tally, target, seed, lang, finished, opts)
    if json_out:
        print(json.dumps(tally.summary(len(items), seed, finished), ensure_ascii=False, indent=2))
    raise typer.Exit(0 if tally.asked and tally.correct == tally.asked else 1)


def _parse_stage(text: str, lang: str) -> int:
    from quiz.sections import parse_stage

    try:
        return parse_stage(text)
    except ValueError:
        usage(t("bad_stage", lang, what="DAY", got=text))


def _parse_topics(values: list[str], lang: str) -> set[str] | None:
    """--topic 3-5-2 --topic 4-2,3-6 → every syllabus id they name (None: no --topic); a selector
    that names no syllabus item is a usage error pointing at rabbit syllabus."""
    from quiz import syllabus
    from quiz.typed import nfkc

    if not values:
        return None
    outline = syllabus.load()
    ids: set[str] = set()
    for value in values:
        for part in nfkc(value).replace("、", ",").split(","):
            if not part.strip():
                continue
            found = outline.matching(part)
            if not found:
                usage(t("bad_topic", lang, got=part.strip()))
            ids.update(found)
    if not ids:
        usage(t("bad_topic", lang, got=", ".join(values)))
    return ids


def _parse_count(value: str, lang: str) -> int | None:
    """--count: a positive whole number (full-width digits too), or all (None: no limit)."""
    from quiz.typed import nfkc

    text = nfkc(value).lower()
    if text in ("all", "全部", "すべて"):
        return None
    if text.isdigit() and int(text) >= 1:
        return int(text)
    print(f"rabbit: {t('bad_count', lang, value=value)}", file=sys.stderr)
    raise typer.Exit(2)


def _summary(console, tally, target: str, seed: int, lang: str, finished: bool, opts: str) -> None:
    from rich.table import Table

    console.print()
    console.rule(f"[bold]{t('quiz_summary', lang, correct=tally.correct, asked=tally.asked)}[/]")
    if not finished:
        console.print(t("stopped", lang, asked=tally.asked), style="dim")
    if tally.asked:
        from quiz.sections import section_label

        table = Table()
        for i, col in enumerate((t("section", lang), t("asked", lang), t("right", lang), t("rate", lang))):
            table.add_column(col, justify="left" if i == 0 else "right")
        for d, s, a, c in tally.by_section():
            bar = "█" * round(10 * c / a) + "░" * (10 - round(10 * c / a))
            table.add_row(section_label(d, s, lang), str(a), str(c), f"{bar} {100 * c / a:.0f}%")
        console.print(table)
    console.print(t("replay", lang, target=target, seed=seed, opts=opts), style="dim")
    if tally.correct < tally.asked:
        console.print(t("missed_next", lang, target=target), style="dim")


def register(app: typer.Typer) -> None:
    app.command("quiz")(cmd_quiz)
