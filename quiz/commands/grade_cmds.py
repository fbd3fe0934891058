"""rabbit grade (batch grading for instructors) and rabbit doctor (what isolation is active)."""

from __future__ import annotations

import json
import os
import sys
import time
import unicodedata
from pathlib import Path
from typing import Optional

import typer

from quiz.commands.common import usage as _usage
from quiz.i18n import pick_lang, t

LangOpt = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG.")

# -- rabbit grade ----------------------------------------------------------------------------
def cmd_grade(
    directory: Path = typer.Argument(..., help="A directory of submissions: every *.py file in it is graded."),
    exercise: str = typer.Option(..., "--exercise", "-e", help="The exercise they answer, e.g. lstm."),
    jobs: int = typer.Option(min(4, os.cpu_count() or 1), "--jobs", "-j", min=1, max=32,
                             help="How many submissions to grade at once."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON list, one object per file."),
    csv_out: bool = typer.Option(False, "--csv", help="Print CSV for a gradebook."),
    allow_unisolated: bool = typer.Option(
        False, "--allow-unisolated",
        help="Grade even without namespace isolation (RABBIT_ISOLATION=off, or a machine that forbids it). "
             "Then only resource limits apply: a submission runs as you and can read your files, the "
             "other submissions and rabbit's own, signal or stop rabbit, use the network and pass data "
             "to other submissions. Only for code you trust."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Grade every submission in a directory, in parallel; nothing is recorded. / 一括採点 (記録しない)。"""
    from quiz.grading import batch
    from quiz.commands.exercise_core import exercise_named

    lang = pick_lang(lang)
    if json_out and csv_out:
        _usage(t("json_and_csv", lang))
    if not directory.is_dir():
        _usage(t("not_a_dir", lang, path=directory))
    ex = exercise_named(exercise, lang)
    paths = batch.submissions(directory)
    start = time.monotonic()
    progress = _Progress(lang)
    from quiz.grading.box import Unisolated

    try:
        rows = batch.grade_all(ex, paths, jobs, on_done=progress.update, unisolated_ok=allow_unisolated)
    except Unisolated as e:
        progress.done()
        _usage(t("unisolated", lang, why=e))
    finally:
        progress.done()
    seconds = time.monotonic() - start
    records = [_record(row, ex, lang) for row in rows]
    if json_out:
        from quiz.grading.safetext import json_ready

        print(json.dumps(json_ready(records), ensure_ascii=False, indent=2, allow_nan=False))
    elif csv_out:
        _print_csv(records)
    else:
        if not rows:
            print(t("no_files", lang, path=directory))
        else:
            _print_table(records, lang)
        isolation = next((r["isolation"] for r in records if r["isolation"]), "-")
        passed = sum(r["passed"] for r in records)
        print(t("grade_summary", lang, n=len(records), passed=passed, failed=len(records) - passed,
                seconds=seconds, jobs=jobs, isolation=isolation.partition(":")[0]))


class _Progress:
    """`grading 12/300` on stderr, rewritten in place; only when stderr is a terminal."""

    def __init__(self, lang: str):
        self.lang = lang
        self.live = sys.stderr.isatty()
        self.shown = False

    def update(self, done: int, total: int, row) -> None:
        if self.live:
            sys.stderr.write("\r" + t("progress", self.lang, done=done, total=total))
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _record(row, ex, lang: str) -> dict:
    from quiz.grading import freshcases

    return {
        "file": row.file,
        "passed": row.passed,
        "cases_passed": row.cases_passed,
        "cases": row.cases,
        "reason": _reason(row, ex, lang),
        "reason_code": row.code,
        "seconds": round(row.seconds, 3),
        "isolation": row.verdict.isolation if row.verdict else "",
        # `cases` counts the public cases and the fresh ones drawn for this file; the seed replays them
        "fresh_cases": row.verdict.fresh_cases if row.verdict else freshcases.fresh_count(ex),
        "fresh_cases_passed": row.verdict.passed_fresh if row.verdict else 0,
        "private_seed": row.verdict.private_seed if row.verdict else None,
        "failed_cases": [{"case": c.name, "kind": c.kind} for c in row.verdict.failed] if row.verdict else [],
    }


def _reason(row, ex, lang: str) -> str:
    """One line on why a file failed: the first line of the learner's feedback, with the error."""
    from quiz.commands.exercise_core import feedback_lines

    if row.passed:
        return ""
    if row.verdict is None:
        return t("submission_" + row.code, lang) + (f": {row.detail}" if row.detail else "")
    verdict = row.verdict
    lines = feedback_lines(verdict, ex, lang)
    first = lines[0] if lines else row.code
    error = verdict.error if verdict.reason == "load" else (
        verdict.failed[0].error if verdict.failed and verdict.failed[0].reason == "error" else "")
    if error.strip():
        first += " " + error.strip().splitlines()[-1]
    return first


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _cut(s: str, n: int) -> str:
    out, w = "", 0
    for ch in s:
        cw = _width(ch)
        if w + cw > n - 1:
            return out + "…"
        out, w = out + ch, w + cw
    return out


def _print_table(records: list[dict], lang: str) -> None:
    import shutil

    from quiz.term import say

    head = [t("col_file", lang), t("col_passed", lang), t("col_cases", lang), t("col_reason", lang)]
    body = [[r["file"], "✔" if r["passed"] else "✘", _cases_cell(r), r["reason"]] for r in records]
    widths = [max(_width(row[i]) for row in [head] + body) for i in range(3)]
    room = max(20, shutil.get_terminal_size((120, 24)).columns - sum(widths) - 6)

    def line(cells: list[str]) -> str:
        padded = [c + " " * (w - _width(c)) for c, w in zip(cells[:3], widths)]
        return "  ".join(padded + [_cut(cells[3], room) if _width(cells[3]) > room else cells[3]]).rstrip()

    say(line(head), "bold")
    for cells, r in zip(body, records):
        say(line(cells), "green" if r["passed"] else "red")


def _cases_cell(r: dict) -> str:
    """public passed/public + fresh passed/fresh, e.g. 5/5+3/3."""
    fresh, fresh_ok = r["fresh_cases"], r["fresh_cases_passed"]
    public, public_ok = r["cases"] - fresh, r["cases_passed"] - fresh_ok
    return f"{public_ok}/{public}+{fresh_ok}/{fresh}" if fresh else f'{r["cases_passed"]}/{r["cases"]}'


def _print_csv(records: list[dict]) -> None:
    import csv

    from quiz.grading.safetext import csv_cell

    fields = ["file", "passed", "cases_passed", "cases", "reason", "reason_code", "seconds",
              "fresh_cases_passed", "fresh_cases", "private_seed"]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(fields)
    for r in records:
        # the seed in hex: a spreadsheet keeps 15 digits of a number, and this one has up to 20
        cells = {**r, "passed": int(r["passed"]),
                 "private_seed": "" if r["private_seed"] is None else f'{r["private_seed"]:#x}'}
        writer.writerow([csv_cell(cells[f]) for f in fields])


# -- rabbit doctor ---------------------------------------------------------------------------
def cmd_doctor(json_out: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
               lang: Optional[str] = LangOpt) -> None:
    """Which isolation grading runs under and why, the worker, versions, paths. / 採点環境の診断。"""
    from quiz import __version__, home
    from quiz.grading import box

    lang = pick_lang(lang)
    report = box.isolation_report()
    facts = report.get("facts") or {}
    try:
        import numpy

        numpy_version = numpy.__version__
    except ImportError:
        numpy_version = None
    worker_enabled = box._worker_enabled()
    pong = box.ping() if worker_enabled else None
    db = home.db_path()
    data = {
        "isolation": {
            "active": bool(report.get("active")),
            "mode": "namespaces" if report.get("active") else "rlimits",
            "detail": report.get("detail", ""),
            "error": report.get("error", ""),
            "box": facts,
            "limits": _limits(facts, bool(report.get("active"))),
        },
        "worker": {"enabled": worker_enabled, "running": pong is not None, "socket": box.socket_path(),
                   "isolation": pong.get("isolation") if pong else None},
        "python": {"version": sys.version.split()[0], "executable": sys.executable},
        "numpy": numpy_version,
        "rabbit": __version__,
        "rabbit_home": str(home.rabbit_home()),
        "database": {"path": str(db), "exists": db.exists()},
    }
    if json_out:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    iso = data["isolation"]
    rows = [(t("isolation", lang), t("iso_ns", lang) if iso["active"] else t("iso_rl", lang))]
    if not iso["active"]:
        rows.append(("", t("iso_why", lang, why=iso["detail"] or iso["error"] or "?")))
    if facts:
        rows.append(("", t("box_sees", lang)))
        rows.append(("", "  " + t("fact_pid", lang, pid=facts.get("pid"), n=facts.get("processes_seen"))))
        writable = facts.get("root_writable") or facts.get("python_writable")
        state = t("root_rw", lang) if writable else t("root_ro", lang)
        rows.append(("", "  " + t("fact_root", lang, state=state)))
        rows.append(("", "  " + t("fact_net", lang, result=facts.get("network"))))
        seen = facts.get("visible") or []
        state = t("visible", lang, paths=", ".join(dict.fromkeys(seen))) if seen else t("hidden", lang)
        rows.append(("", "  " + t("fact_hidden", lang, state=state)))
        limits = data["isolation"]["limits"]
        cap = limits["process_cap"]
        text = (t("cap_pidns", lang, n=cap["value"]) if cap["by"] == "pid_max" else
                t("cap_nproc", lang, n=cap["value"]) if cap["by"] == "RLIMIT_NPROC" else t("cap_none", lang))
        rows.append(("", "  " + t("fact_procs", lang, cap=text)))
        one = facts.get("children") != "allowed"
        rows.append(("", "  " + t("fact_children", lang, state=t("children_denied" if one else "children_allowed", lang))))
        mem = limits["memory"]
        each = _gib(facts.get("rlimit_as"))
        how = (t("memory_one", lang, each=each, cgroup=mem["cgroup"]) if mem["by"] == "one process" else
               t("memory_many", lang, each=each, n=cap["value"] or "?"))
        rows.append(("", "  " + t("fact_memory", lang, total=_gib(mem["budget"]) if mem["budget"] else "?", how=how)))
        rows.append(("", "  " + t("fact_sealed", lang, **{k: t("denied", lang) if facts.get(k) == "EPERM" else
                                                           (facts.get(k) or "?") for k in ("locks", "keyring")})))
        caps = facts.get("cap_eff")
        rows.append(("", "  " + t("fact_caps", lang, caps=t("none", lang) if caps and int(caps, 16) == 0 else caps)))
    if not worker_enabled:
        worker = t("worker_off", lang)
    elif pong:
        worker = t("worker_on", lang, isolation=pong.get("isolation"))
    else:
        worker = t("worker_idle", lang)
    rows += [
        (t("worker", lang), worker),
        ("python", f"{data['python']['version']} ({sys.executable})"),
        ("numpy", numpy_version or "-"),
        ("rabbit", __version__),
        ("RABBIT_HOME", data["rabbit_home"]),
        (t("database", lang), f"{db}" + ("" if db.exists() else " " + t("db_missing", lang))),
    ]
    width = max(_width(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key}{' ' * (width - _width(key))}  {value}")


def _limits(facts: dict, active: bool) -> dict:
    """The process cap and the memory bound that really hold, from what the probe box saw.

    RLIMIT_NPROC binds nobody running as root; pid_max caps a box only when it is the value the
    box set in its own PID namespace (Linux >= 6.14)."""
    from quiz.grading import namespaces as isolation

    if not facts:
        return {"process_cap": {"by": None, "value": None}, "children": None,
                "memory": {"by": None, "budget": None, "cgroup": "-"}}
    one = facts.get("children") != "allowed"  # seccomp: clone() makes threads only
    if active and facts.get("pid_max") == isolation.PID_CAP:
        cap = {"by": "pid_max", "value": isolation.PID_CAP}
    elif os.geteuid() != 0 and facts.get("rlimit_nproc"):
        cap = {"by": "RLIMIT_NPROC", "value": facts["rlimit_nproc"]}
    else:
        cap = {"by": None, "value": None}
    each = facts.get("rlimit_as")
    cgroup = _cgroup_v2()
    if one:
        memory = {"by": "one process", "budget": each, "cgroup": cgroup}
    else:
        memory = {"by": None, "budget": each * cap["value"] if each and cap["value"] else None, "cgroup": cgroup}
    return {"process_cap": cap, "children": not one, "memory": memory}


def _cgroup_v2() -> str:
    """Whether this machine would let rabbit cap a box's memory with cgroup v2 (not used yet)."""
    root = Path("/sys/fs/cgroup")
    controllers = root / "cgroup.controllers"
    if not controllers.exists():
        return "not mounted at /sys/fs/cgroup (cgroup v1 or hybrid)"
    try:
        own = Path(open("/proc/self/cgroup").read().split("::", 1)[1].strip().lstrip("/"))
        here = root / own
        if "memory" not in (here / "cgroup.controllers").read_text().split():
            return "no memory controller delegated"
        return "delegated" if os.access(here, os.W_OK) else "not writable"
    except (OSError, IndexError):
        return "unreadable"


def _gib(n) -> str:
    return f"{n / 1024**3:g} GiB" if isinstance(n, int) else "?"


def register(app: typer.Typer) -> None:
    app.command("grade")(cmd_grade)
    app.command("doctor")(cmd_doctor)
