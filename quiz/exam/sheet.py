"""The result sheet on the terminal: score, areas and chapters beside the published averages,
the weakest syllabus items, then each miss with its key and explanation."""

from __future__ import annotations

from quiz.i18n import t, text


def _pct(v) -> str:
    return "-" if v is None else f"{v:.0f}%"


def show(view, res: dict, lang: str) -> None:
    from rich.table import Table

    console = view.console
    console.print()
    rate = round(100 * res["correct"] / res["asked"]) if res["asked"] else 0
    title = t("exam_result", lang, id=res["id"], correct=res["correct"], asked=res["asked"], rate=rate,
              used=round(res["time_used"] / 60), minutes=f"{res['minutes']:g}")
    console.rule(f"[bold]{title}[/]")
    avg = t("exam_published", lang, sitting=res["published"])
    for head, rows, label in ((t("exam_area", lang), res["areas"], lambda r: text(r["name"], lang)),
                              (t("exam_chapter", lang), res["chapters"], lambda r: f"{r['chapter']} {text(r['name'], lang)}")):
        table = Table()
        for i, col in enumerate((head, t("asked", lang), t("right", lang), t("exam_yours", lang), avg)):
            table.add_column(col, justify="left" if i == 0 else "right")
        for r in rows:
            table.add_row(label(r), str(r["asked"]), str(r["correct"]), _pct(r["rate"]), f"{r['published']:.2f}%")
        console.print(table)
    console.print(t("exam_published_note", lang), style="dim", markup=False)
    if res["weakest"]:
        console.print(f"[bold]{t('exam_weakest', lang)}[/]")
        for w in res["weakest"]:
            view.say(f"{w['id']} {text(w['name'], lang)}: {w['correct']}/{w['asked']}", "  ")


def misses(view, sitting, res: dict, lang: str) -> None:
    """Every item scored wrong (unanswered ones too), as it was asked, with the key and why."""
    wrong = [i for i in res["items"] if not i["correct"]]
    asked = {turn.served.record_id: (turn, pos) for turn, pos in zip(sitting.turns, sitting.positions)}
    console = view.console
    console.print()
    console.rule(f"[bold]{t('exam_misses', lang, n=len(wrong))}[/]")
    for item in wrong:  # by id and the number it had: items that left the bank since do not shift the others
        if item["id"] not in asked:
            console.print()
            console.print(t("exam_miss_gone", lang, n=item["n"], id=item["id"]), style="dim", markup=False)
            continue
        turn, pos = asked[item["id"]]
        line = sitting.answers.get(pos, {}).get("line")
        console.print()
        console.print(t("exam_miss", lang, n=item["n"], id=turn.served.record_id,
                        answer=line if line is not None else t("exam_unanswered", lang)), style="bold", markup=False)
        context = getattr(turn.question, "context", None)
        if context:  # an item of a set is read with its context
            console.print(t("set_context_one", lang), style="magenta", markup=False)
            view.say(text(context, lang).rstrip("\n"))
        view.say(turn.prompt(lang))
        if turn.exercise is not None:
            from quiz.commands.quiz_view import code_block

            console.print(code_block(turn.exercise), markup=False, highlight=False)
        for i, option in turn.shown_options():
            view.say(text(option, lang), f"  [bold cyan]{i}[/]. ")
        view.say(t("key_is", lang, key=turn.key(lang)), "[bold red]✘[/] ")
        if line is not None:
            mis = turn.misconception(sitting.answers[pos].get("answer") or "")
            if mis:
                view.say(text(mis.feedback, lang).strip(), f"[yellow]{t('misconception', lang)}[/] ")
        expl = turn.explanation(lang)
        if expl:
            view.say(expl, f"[dim]{t('explanation', lang)}:[/] ")
