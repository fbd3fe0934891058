"""What rabbit syllabus computes, without the CLI framework; `rabbit syllabus --json` reaches it
directly (fast_json) so that a look at the map does not pay for importing typer (about 100 ms)."""

from __future__ import annotations

import json

from quiz.i18n import pick_lang, t


def rows_for(area: str | None, lang: str) -> list[dict]:
    """One row per syllabus item (quiz.topics.by_topic), only `area`'s when given (exit 2 if unknown)."""
    from quiz import bank, home, syllabus, topics
    from quiz.commands.common import usage
    from quiz.exercises import load_all

    outline = syllabus.load()
    if area is not None and area not in outline.areas:
        usage(t("syl_bad_area", lang, areas=", ".join(outline.areas), got=area))
    store = None
    if home.db_path().exists():  # nothing answered yet: nothing to open (and no database made by a look)
        from quiz.store import Store

        store = Store()
    rows = topics.by_topic(store, bank.load(), load_all(), outline)
    return [r for r in rows if r["area"] == area] if area is not None else rows


def fast_json(argv: list[str]) -> int | None:
    """`rabbit syllabus --json [--area A] [--lang L]` without typer; anything else (help, the table,
    unknown options, missing values) returns None and typer parses it as usual."""
    from quiz.commands import argv as args

    given = args.read(argv, {"--area": "area", "--lang": "lang"}, {"--json": "json_out"})
    if given is None or not given.get("json_out"):
        return None
    lang = pick_lang(given.get("lang"))
    print(json.dumps(rows_for(given.get("area"), lang), ensure_ascii=False, indent=1))
    return 0
