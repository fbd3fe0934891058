"""What rabbit bank list computes, without the CLI framework; `rabbit bank list --json` reaches it
directly (fast_list_json) so that a look at the bank does not pay for importing typer (about 100 ms)."""

from __future__ import annotations

import json

from quiz.commands.common import usage
from quiz.i18n import pick_lang, t


def parse_stage(text: str, lang: str) -> int:
    from quiz.sections import parse_stage as parse

    try:
        return parse(text)
    except ValueError:
        usage(t("bad_day_or_stage", lang, what="--day", got=text))


def rows(day: str | None, section: int | None, lang: str) -> list:
    """The bank's items of `day` (a day or stage; None: all) and `section`, in course order."""
    from quiz import bank

    d = parse_stage(day, lang) if day is not None else None
    out = [q for q in bank.load() if (d is None or q.day == d) and (section is None or q.section == section)]
    out.sort(key=lambda q: (q.day, q.section, q.id))
    return out


def as_json(questions: list) -> str:
    from quiz.sections import stage_key

    return json.dumps([{"id": q.id, "day": q.day, "stage": stage_key(q.day), "section": q.section, "type": q.type,
                        "source": q.source, "syllabus": list(q.syllabus), "framework": q.framework, "set": q.set_id}
                       for q in questions], ensure_ascii=False, indent=1)


def fast_list_json(argv: list[str]) -> int | None:
    """`rabbit bank list --json [--day D] [--section S] [--lang L]` without typer; anything else
    (help, the table, unknown options, missing or non-integer values) returns None and typer parses it."""
    from quiz.commands import argv as args

    given = args.read(argv, {"--day": "day", "-d": "day", "--section": "section", "-s": "section", "--lang": "lang"},
                      {"--json": "json_out"}, ints=("section",))
    if given is None or not given.get("json_out"):
        return None
    lang = pick_lang(given.get("lang"))
    print(as_json(rows(given.get("day"), given.get("section"), lang)))
    return 0
