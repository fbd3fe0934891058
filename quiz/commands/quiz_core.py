"""What rabbit quiz does, without the CLI framework: `run` is the whole command (quiz_cmds gives it
typer's options), and `fast` parses a plain command line itself so that the first card does not
wait for typer's import (about 100 ms of a ~300 ms start)."""

from __future__ import annotations

import json
import random
import sys

from quiz.commands import framework_opt
from quiz.commands.common import usage
from quiz.i18n import pick_lang, t

DEFAULT_COUNT = 10  # questions in a session unless --count says otherwise


def run(day: str | None, topic: list[str] | None, section: int | None, count: str, seed: int | None,
        lang: str | None, missed: bool, json_out: bool, framework: str | None) -> int:
    """The quiz; returns the exit code (0 all correct, 1 otherwise; usage errors exit 2)."""
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
            return 0
        if topics is not None:
            where = f" ({stage_label(d, lang)}{sec})" if d is not None else sec
            print(f"rabbit: {t('none_for_topic', lang, topics=', '.join(topic or []), where=where)}", file=sys.stderr)
        elif d < 1:  # a course stage whose questions have not been written yet
            print(f"rabbit: {t('none_for_stage', lang, stage=stage_label(d, lang), sec=sec, key=stage_key(d))}", file=sys.stderr)
        else:
            sections = sorted({q.section for q in questions if q.day == d})
            print(f"rabbit: {t('none_found', lang, day=d, sec=sec, sections=sections)}", file=sys.stderr)
        return 2
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
    return 0 if tally.asked and tally.correct == tally.asked else 1



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
    usage(t("bad_count", lang, value=value))


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




VALUED = {"--topic": "topic", "-t": "topic", "--section": "section", "-s": "section", "--count": "count",
          "-n": "count", "--seed": "seed", "--lang": "lang", "--framework": "framework"}
FLAGS = {"--missed": "missed", "--json": "json_out"}


def fast(argv: list[str]) -> int | None:
    """`rabbit quiz [DAY] [options]` parsed here; anything this parser is unsure of (help, an unknown
    option, a missing or non-integer value, a second DAY) returns None and typer parses it as usual,
    with its own messages."""
    from quiz.commands import argv as args

    given = args.read(argv, VALUED, FLAGS, ints=("section", "seed"), repeated=("topic",), positional="day")
    if given is None:
        return None
    opts = {"day": None, "section": None, "count": str(DEFAULT_COUNT), "seed": None, "lang": None,
            "missed": False, "json_out": False, "framework": None, **given}
    opts["topic"] = opts["topic"] or None
    return run(**opts)
