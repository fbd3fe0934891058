"""What the exercise commands do, without the CLI framework: find, grade, record, render.

exercise_cmds wraps these in typer commands; `rabbit submit` also reaches them directly
(fast_submit) so that a submission does not pay for importing typer.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

from quiz import home
from quiz.commands.common import usage as _usage
from quiz.i18n import pick_lang, t, text
from quiz.term import say


def all_exercises():
    """Every exercise by name (cached after the first load)."""
    from quiz.exercises import load_all

    return load_all()


def exercise_named(name: str, lang: str):
    """The exercise called `name` (its name, id or function), else a usage error naming the close ones."""
    exercises = all_exercises()
    ex = exercises.get(name.strip().lower())
    if ex is None:
        for candidate in exercises.values():  # accept the id or the function name too
            if name in (candidate.id, candidate.grading.get("function")):
                return candidate
        _usage(unknown_name(name, list(exercises), lang))
    return ex


def unknown_name(name: str, names: list[str], lang: str) -> str:
    """No exercise has this name: the closest ones (a typo), else every name."""
    import difflib

    close = difflib.get_close_matches(name.strip().lower(), names, n=3, cutoff=0.6)
    if close:
        return t("unknown_exercise_close", lang, name=name, close=", ".join(close), names=", ".join(names))
    return t("unknown_exercise", lang, name=name, names=", ".join(names))


def learner_copy(ex, create: bool = True) -> Path:
    """The learner's own copy of the template under $RABBIT_HOME; made on first use."""
    path = home.workspace_dir() / ex.template.name
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ex.template, path)
    return path


def open_store():
    from quiz.store import Store

    return Store()


def status_of(ex, statuses: dict) -> str:
    return statuses.get(ex.id, "not_started")


def summary_line(verdict, ex, lang: str) -> str:
    """The verdict's first line: public and fresh cases counted apart."""
    if verdict.passed:
        return t("verdict_passed", lang, name=ex.name, pub=verdict.public_cases, fresh=verdict.fresh_cases,
                  seconds=verdict.seconds)
    return t("verdict_failed", lang, name=ex.name, pub_ok=verdict.passed_public, pub=verdict.public_cases,
              fresh_ok=verdict.passed_fresh, fresh=verdict.fresh_cases)


def render_verdict(verdict, ex, lang: str) -> None:
    if isinstance(verdict.option, dict):  # several blanks: {label: number}
        for label, n in verdict.option.items():
            say(t("chosen_option_of", lang, label=label, n=n, code=verdict.answers.get(label)), "bold")
    elif verdict.option:
        say(t("chosen_option", lang, n=verdict.option, code=verdict.answer), "bold")
    if verdict.passed:
        say(f"✔ {summary_line(verdict, ex, lang)}", "bold", "green")
        return
    say(f"✘ {summary_line(verdict, ex, lang)}", "bold", "red")
    for line in feedback_lines(verdict, ex, lang):
        say(line)
    say(t("next_hint", lang, name=ex.name), "dim")


def feedback_lines(verdict, ex, lang: str) -> list[str]:
    """The failure explained, in the learner's language (shared by the table and --json)."""
    lines: list[str] = []
    if verdict.reason == "blank":
        lines.append(t("reason_blank", lang, label=verdict.error))
    elif verdict.reason == "load":
        lines.append(t("reason_load", lang))
        lines.extend("  " + s for s in verdict.error.splitlines())
        if verdict.stray:
            from quiz.grading import ime

            lines.append(ime.heading(lang))
            lines.extend("  " + ime.message(s, lang) for s in verdict.stray)
    elif verdict.reason:
        lines.append(t("reason_" + verdict.reason, lang))
    # the public failures first (they show values); then at least one fresh one, if any failed
    public = [c for c in verdict.failed if c.kind == "public"]
    fresh = [c for c in verdict.failed if c.kind == "fresh"]
    shown = public[:1] + fresh[:1] if public and fresh else (public or fresh)[:2]
    for c in shown:
        where = "[" + ", ".join(map(str, c.where)) + "]" if c.where else ""
        if c.reason == "error":
            lines.append(t("case_error", lang, case=c.name))
            lines.extend("  " + s for s in c.error.splitlines())
        elif c.reason == "shape":
            lines.append(t("case_shape", lang, case=c.name, output=c.output,
                           expected=tuple(c.expected_shape or ()), actual=tuple(c.actual_shape or ())))
        elif c.reason == "missing":
            lines.append(t("case_missing", lang, case=c.name, output=c.output))
        elif c.reason == "nonfinite":
            lines.append(t("case_nonfinite", lang, case=c.name, output=c.output, where=where, value=c.actual_value))
        elif c.reason == "mismatch" and c.kind == "fresh":
            rel = f"1e{round(math.log10(c.rel_error))}" if c.rel_error else "?"
            lines.append(t("case_fresh_mismatch", lang, case=c.name, output=c.output, rel=rel))
        elif c.reason == "mismatch":
            lines.append(t("case_mismatch", lang, case=c.name, output=c.output, where=where, diff=c.max_diff,
                           expected=c.expected_value, actual=c.actual_value))
        if c.hint == "scaled":
            lines.append("  " + t("hint_scaled", lang, k=c.scale))
        elif c.hint:
            lines.append("  " + t("hint_" + c.hint, lang))
    if len(verdict.failed) > len(shown):
        lines.append(t("more_failures", lang, n=len(verdict.failed) - len(shown)))
    if any(c.kind == "fresh" for c in shown):
        lines.append(t("fresh_note", lang))
    lines.extend(_mistake_lines(verdict.misconception, verdict.misconception_by, lang))
    for label, alone in verdict.by_blank.items():  # several blanks: each graded with the others right
        lines.append(t("blank_right" if alone["passed"] else "blank_wrong", lang, label=label))
        lines.extend("  " + s for s in _mistake_lines(alone["misconception"], alone["by"], lang))
    if verdict.output.strip():
        lines.append(t("learner_output", lang))
        lines.extend("  " + s for s in verdict.output.strip().splitlines()[:20])
    return lines


def _mistake_lines(m, by: str, lang: str) -> list[str]:
    """A named misconception's feedback (matched by its error alone: error_feedback only)."""
    if m and by == "error" and m.error_feedback:
        return [t("misconception", lang) + " " + text(m.error_feedback, lang).strip()]
    if m and by != "error":
        return [t("misconception", lang) + " " + text(m.feedback, lang).strip()]
    return []


def submit(name: str, file: Path | None = None, answer: str | list[str] | None = None, json_out: bool = False,
           lang: str | None = None) -> int:
    """Grade and record one submission; print the verdict; return the exit code (0 pass, 1 fail).

    `answer`: the --answer values: one EXPR for an exercise of one blank, LABEL=EXPR per blank
    (a=EXPR for (あ)); an option number means that option of its blank."""
    from quiz import grading
    lang = pick_lang(lang)
    ex = exercise_named(name, lang)
    if isinstance(answer, str):
        answer = [answer]
    if file is not None and answer:
        _usage(t("both_file_answer", lang))
    option = None
    if answer:
        given, option = _given_answers(ex, answer, lang)
        try:
            source = grading.fill(ex, given)
        except grading.AnswerError as e:
            _usage(_bad_answer(e, ex, lang))
        given = {label: grading.normalise_answer(a) for label, a in given.items()}
    else:
        path = file if file is not None else learner_copy(ex)
        if not path.is_file():
            _usage(t("no_file", lang, path=path))
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            _usage(f"{path}: {e}")
        given = None
    try:
        verdict = grading.grade(ex, source, answer=given, meanwhile=_import_store)
    except OSError as e:  # no temporary directory, no processes left...: the machine, not the learner
        _usage(f"could not start the grading box ({e.strerror or e}). "
               "The disk may be full or the temporary directory unusable; nothing was recorded.")
    if option and len(ex.blanks) == 1:
        option = option[ex.blanks[0].label]  # one blank: its number, as always
    verdict.option = option or None
    recorded = verdict.reason != "blank"
    if recorded:
        record(ex, verdict)
    if json_out:
        d = verdict.to_dict()
        d["feedback"] = feedback_lines(verdict, ex, lang)
        d["recorded"] = recorded
        from quiz.grading.safetext import json_ready

        print(json.dumps(json_ready(d), ensure_ascii=False, indent=2, allow_nan=False))  # strict: NaN is null
    else:
        render_verdict(verdict, ex, lang)
        if not recorded:
            say(t("not_recorded", lang), "dim")
    refill_pool(ex)
    return 0 if verdict.passed else 1


def _import_store() -> None:
    """The attempt log's modules, imported while the box runs (see grading.grade)."""
    import quiz.store  # noqa: F401


def refill_pool(ex) -> None:
    """After the verdict is out: draw the next fresh bundles if the pool runs low (see freshcases)."""
    import sys

    from quiz.grading import freshcases

    sys.stdout.flush()
    freshcases.refill(ex)


def _given_answers(ex, values: list[str], lang: str) -> tuple[dict, dict]:
    """--answer values → ({label: expression}, {label: option number} for those given as one);
    a label unknown, missing or given twice, or an option the blank lacks, is a usage error."""
    from quiz import grading

    try:
        given = grading.labelled_answers(ex, values)
    except grading.LabelError as e:
        named = {"name": ex.name, "labels": ", ".join(f"({x})" for x in e.labels),
                 "all": ", ".join(f"({x})" for x in ex.labels)}
        if e.problem == "unknown":
            _usage(t("labels_unknown", lang, **named))
        elif e.problem == "missing":
            _usage(t("labels_missing", lang, **named))
        _usage(t("labels_twice", lang, **named))
    options = {}
    for b in ex.blanks:
        try:
            number = grading.option_number(b, given[b.label])
        except grading.OptionError as e:
            _usage(t("no_option", lang, number=e.number, count=len(b.options), name=ex.name))
        if number:
            options[b.label] = number
            given[b.label] = b.options[number - 1]
    return given, options


def _bad_answer(e, ex, lang: str) -> str:
    from quiz.grading import ime

    lines = [t("bad_answer", lang, error=e, name=ex.name)]
    lines.extend("  " + ime.message(s, lang, in_answer=True) for s in e.stray)
    return "\n".join(lines)


def record(ex, verdict) -> None:
    from quiz.store import Attempt

    detail = {"passed_cases": verdict.passed_cases, "cases": verdict.cases, "reason": verdict.reason,
              "failed": [c.name for c in verdict.failed], "fresh_cases": verdict.fresh_cases}
    if verdict.private_seed is not None:  # grading.replay(ex, source, seed) reproduces the verdict
        detail["private_seed"] = verdict.private_seed
    if verdict.option:  # the answer column holds the option's code; this says it came as a number
        detail["option"] = verdict.option  # several blanks: {label: number}
    if len(ex.blanks) > 1:  # the answer column holds LABEL=EXPR; here each blank's, and which were right
        detail["answers"] = verdict.answers
        if verdict.by_blank:
            detail["blanks"] = {label: b["passed"] for label, b in verdict.by_blank.items()}
    open_store().record(Attempt(
        item_id=ex.id, kind="exercise", correct=verdict.passed, answer=verdict.answer,
        duration_ms=int(verdict.seconds * 1000), item_hash=ex.content_hash, detail=detail,
    ))


def fast_submit(argv: list[str]) -> int | None:
    """`rabbit submit` without loading typer (the hot path: about 30 ms less per submission).

    Handles only the plain forms (NAME with --answer/-a, --file/-f, --json, --lang); anything
    else (help, unknown options, missing values) returns None and typer parses it as usual.
    """
    name = file = lang = None
    answer: list[str] = []
    json_out = False
    it = iter(argv)
    for arg in it:
        key, eq, value = arg.partition("=")
        if key in ("--answer", "-a", "--file", "-f", "--lang"):
            if not eq:
                value = next(it, None)
                if value is None:
                    return None
            if key in ("--answer", "-a"):
                answer.append(value)
            elif key in ("--file", "-f"):
                file = Path(value)
            else:
                lang = value
        elif arg == "--json":
            json_out = True
        elif arg.startswith("-") or name is not None:
            return None
        else:
            name = arg
    if name is None:
        return None
    return submit(name, file, answer or None, json_out, lang)
