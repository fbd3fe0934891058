"""rabbit history --show ID: one recorded attempt shown again, as it was asked.

A generated item comes back with the variant its attempt recorded (`detail.variant`: the same
numbers and options, quiz_view.replay); any other question with its options in the order they
were shown (`detail.order`), the key and the explanation; an exercise submission with its
outcome. The learner's answer is said first, numbered as it was shown.
"""

from __future__ import annotations

import json

from quiz.i18n import t, text


def _find(row: dict):
    """(question, exercise) the attempt was about, as the bank holds them now (None where gone)."""
    from quiz import bank
    from quiz.exercises import load_all
    from quiz.problems import BankError

    exercises = load_all()
    if row["kind"] == "exercise":
        return None, next((ex for ex in exercises.values() if ex.id == row["item_id"]), None)
    try:
        q = next((q for q in bank.load() if q.id == row["item_id"]), None)
    except BankError:  # a broken own bank costs only the replay, not the record
        q = None
    return q, None


def _asked(q, row: dict, exercises: dict):
    """The Turn as the attempt saw it: its variant (a generated item) and its option order."""
    from quiz import kinds, practice

    kind = kinds.of(q)
    detail = row["detail"] or {}
    variant = detail.get("variant")
    inst = kind.instance(q, variant) if q.type == "generated" and isinstance(variant, int) else None
    asked = inst if inst is not None else q
    ex = kind.exercise(asked, exercises)
    options = kind.options(asked, ex)
    order = tuple(range(1, len(options) + 1))
    recorded = detail.get("order")
    if isinstance(recorded, list) and sorted(recorded) == list(order):
        order = tuple(recorded)
    set_place = (1, 1) if getattr(q, "set_id", None) else None  # asked again on its own: with its set's context
    return practice.Turn(practice.Served(q), 1, 1, kind, ex, options, order, instance=inst, set_place=set_place)


def _answer_shown(turn, answer: str | None, lang: str) -> str:
    """The learner's answer as they saw it: an option's shown number and text, else what they typed."""
    answer = answer or ""
    if turn.options and turn.question.type != "generated":  # recorded as original option numbers
        nums = answer.split()
        if nums and all(n.isdigit() and 1 <= int(n) <= len(turn.options) for n in nums):
            from quiz.session import shown_number

            shown = [(shown_number(turn.order, int(n)), turn.options[int(n) - 1]) for n in nums]
            return " / ".join(f"{i}. {text(o, lang)}" for i, o in sorted(shown, key=lambda p: p[0]))
    if turn.options:  # a generated choice records the option as shown
        for i, option in turn.shown_options():
            if option.get("en") == answer:
                return f"{i}. {text(option, lang)}"
    return answer


def show(row: dict, lang: str, json_out: bool) -> None:
    from quiz.exercises import load_all
    from quiz.sections import section_label

    q, ex = _find(row)
    out = {k: row[k] for k in ("id", "item_id", "kind", "answer", "answered_at", "duration_ms", "detail")}
    out["correct"] = bool(row["correct"])
    detail = row["detail"] or {}
    where = q if q is not None else ex
    out["day"], out["section"] = (where.day, where.section) if where is not None else (None, None)
    out["in_bank"] = where is not None
    out["changed"] = bool(where is not None and row["item_hash"] and row["item_hash"] != where.content_hash)
    turn = None
    if q is not None:
        turn = _asked(q, row, load_all())
        mis = turn.misconception(row["answer"] or "") if not row["correct"] else None
        out.update(variant=detail.get("variant") if turn.instance is not None else None,
                   prompt=turn.prompt(lang), options=[text(o, lang) for _, o in turn.shown_options()],
                   your_answer=_answer_shown(turn, row["answer"], lang), key=turn.key(lang),
                   explanation=turn.explanation(lang),
                   mistake=text(mis.feedback, lang).strip() if mis is not None else None,
                   set=q.set_id, context=text(q.context, lang) if q.context else None)
    elif ex is not None:
        out.update(title=text(ex.title, lang), outcome="passed" if row["correct"] else "failed")
    if json_out:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    _render(row, out, q, ex, turn, lang, section_label)


def _render(row, out, q, ex, turn, lang, section_label) -> None:
    from datetime import datetime

    from quiz.commands.quiz_view import TerminalView, replay

    view = TerminalView(lang)
    view.hinted = True  # nothing is asked
    console = view.console
    when = datetime.fromisoformat(row["answered_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
    mark = "[green]✔[/]" if out["correct"] else "[red]✘[/]"
    where = f" · {section_label(out['day'], out['section'], lang)}" if out["day"] is not None else ""
    view.say(f"#{row['id']} · {when}{where} · {row['item_id']}", f"{mark} ")
    if out["changed"]:
        console.print(t("hs_changed", lang), style="yellow")
    if q is None and ex is None:
        console.print(t("hs_gone", lang, item=row["item_id"]), style="yellow")
        view.say(row["answer"] or "", f"[bold]{t('hs_your_answer', lang)}[/] ")
        return
    if ex is not None:
        _render_submission(view, row, out, ex, lang)
        return
    view.say(out["your_answer"] or "—", f"[bold]{t('hs_your_answer', lang)}[/] ")
    if out["mistake"]:
        view.say(out["mistake"], f"[yellow]{t('misconception', lang)}[/] ")
    if turn.instance is not None:  # the recorded variant: the same numbers, options and worked solution
        replay(q, out["variant"], lang)
        return
    if q.type == "generated":
        console.print(t("hs_no_variant", lang), style="yellow")
    view.card(turn)
    view.say(t("key_is", lang, key=out["key"]))
    if out["explanation"]:
        view.say(out["explanation"], f"[dim]{t('explanation', lang)}:[/] ")


def _render_submission(view, row: dict, out: dict, ex, lang: str) -> None:
    detail = row["detail"] or {}
    view.say(out["title"], f"[bold]{ex.name}[/] ")
    view.say(t("hs_passed" if out["correct"] else "hs_failed", lang))
    if isinstance(detail.get("passed_cases"), int) and isinstance(detail.get("cases"), int):
        fresh = detail.get("fresh_cases")
        view.say(t("hs_cases", lang, passed=detail["passed_cases"], cases=detail["cases"])
                 + (f" · {t('hs_fresh', lang, n=fresh)}" if isinstance(fresh, int) else ""))
    if detail.get("reason") and not out["correct"]:
        view.say(str(detail["reason"]), f"{t('hs_reason', lang)} ")
    if detail.get("failed"):
        view.say(", ".join(map(str, detail["failed"])), f"{t('hs_failed_cases', lang)} ")
    if row["answer"]:
        view.console.print(f"[bold]{t('hs_your_answer', lang)}[/]")
        view.console.print(row["answer"], markup=False, highlight=False)
