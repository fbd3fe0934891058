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
from quiz.i18n import pick_lang

LangOpt = typer.Option(None, "--lang", help="ja (default) or en; or set RABBIT_LANG.")

L = {
    "not_a_dir": {"ja": "ディレクトリがありません: {path}", "en": "no such directory: {path}"},
    "json_and_csv": {"ja": "--json と --csv は同時に指定できません。どちらか一方にしてください。", "en": "--json and --csv cannot be used together; pick one."},
    "progress": {"ja": "採点中 {done}/{total}", "en": "grading {done}/{total}"},
    "no_files": {"ja": "{path} に .py ファイルがありません。", "en": "no .py files in {path}."},
    "summary": {"ja": "{n} 件: 合格 {passed}、不合格 {failed} ({seconds:.1f} 秒、並列 {jobs}、隔離: {isolation})", "en": "{n} files: {passed} passed, {failed} failed ({seconds:.1f} s, {jobs} jobs, isolation: {isolation})"},
    "unreadable": {"ja": "ファイルを読めません", "en": "the file cannot be read"},
    "too_big": {"ja": "ファイルが大きすぎます (上限 1 MiB)", "en": "the file is too large (limit 1 MiB)"},
    "not_text": {"ja": "UTF-8 でも Shift_JIS でもありません", "en": "neither UTF-8 nor Shift_JIS text"},
    "internal": {"ja": "採点環境のエラー (提出者の責任ではありません)", "en": "the grading box failed (not the learner's fault)"},
    "col_file": {"ja": "ファイル", "en": "file"},
    "col_passed": {"ja": "合否", "en": "passed"},
    "col_cases": {"ja": "ケース", "en": "cases"},
    "col_reason": {"ja": "理由", "en": "reason"},
    "unisolated": {"ja": "名前空間による隔離が使えないため採点しません ({why})。提出物を信頼できる場合に限り --allow-unisolated を付けてください (rabbit grade --help、rabbit doctor)。",
                   "en": "not grading: namespace isolation is not available ({why}). Only for submissions you trust, pass --allow-unisolated (see rabbit grade --help and rabbit doctor)."},
    # doctor
    "iso_ns": {"ja": "名前空間 (user / PID / network / mount)", "en": "namespaces (user, PID, network, mount)"},
    "iso_rl": {"ja": "リソース制限のみ", "en": "resource limits only"},
    "iso_why": {"ja": "理由: {why}", "en": "why: {why}"},
    "box_sees": {"ja": "採点ボックスの中から見ると:", "en": "seen from inside a box:"},
    "fact_pid": {"ja": "PID {pid} (1 なら専用の PID 名前空間)、見えるプロセス {n} 個", "en": "PID {pid} (1: a PID namespace of its own), {n} process(es) visible"},
    "fact_root": {"ja": "ファイルシステム: {state}", "en": "file system: {state}"},
    "root_ro": {"ja": "読み取り専用", "en": "read-only"},
    "root_rw": {"ja": "書き込み可能", "en": "writable"},
    "fact_net": {"ja": "127.0.0.1 への接続: {result}", "en": "connecting to 127.0.0.1: {result}"},
    "fact_hidden": {"ja": "参照実装と RABBIT_HOME: {state}", "en": "reference engine and RABBIT_HOME: {state}"},
    "hidden": {"ja": "見えない", "en": "not visible"},
    "visible": {"ja": "見える ({paths})", "en": "visible ({paths})"},
    "fact_procs": {"ja": "プロセス・スレッド数の上限: {cap}", "en": "process and thread cap: {cap}"},
    "fact_caps": {"ja": "ケーパビリティ: {caps}", "en": "capabilities: {caps}"},
    "none": {"ja": "なし", "en": "none"},
    "cap_pidns": {"ja": "{n} (ボックス専用の PID 名前空間)", "en": "{n} (the box's own PID namespace)"},
    "cap_nproc": {"ja": "RLIMIT_NPROC {n} (このユーザーの全プロセスで数えます)", "en": "RLIMIT_NPROC {n} (counting every process of this user)"},
    "cap_none": {"ja": "なし (root には RLIMIT_NPROC が効きません)", "en": "none (RLIMIT_NPROC does not apply to root)"},
    "fact_children": {"ja": "子プロセス: {state}", "en": "child processes: {state}"},
    "children_denied": {"ja": "作れません (1 ボックス 1 プロセス、スレッドは可)", "en": "none (a box is one process; threads are allowed)"},
    "children_allowed": {"ja": "作れます", "en": "allowed"},
    "fact_memory": {"ja": "メモリ: 1 ボックス合計 {total} まで ({how})", "en": "memory: at most {total} per box, all its processes together ({how})"},
    "memory_one": {"ja": "1 プロセス × アドレス空間の上限 {each}; cgroup v2 は {cgroup}", "en": "1 process × an address-space limit of {each}; cgroup v2: {cgroup}"},
    "memory_many": {"ja": "上限なし: プロセスごとに {each}、プロセス数 {n}", "en": "no overall cap: {each} per process, up to {n} processes"},
    "fact_sealed": {"ja": "ファイルロック / キーリング: {locks} / {keyring}", "en": "file locks / keyrings: {locks} / {keyring}"},
    "denied": {"ja": "使えません", "en": "denied"},
    "isolation": {"ja": "隔離", "en": "isolation"},
    "worker": {"ja": "常駐ワーカー", "en": "warm worker"},
    "database": {"ja": "記録 (DB)", "en": "database"},
    "worker_on": {"ja": "起動中 (隔離: {isolation})", "en": "running (isolation: {isolation})"},
    "worker_idle": {"ja": "停止中 (次の提出で起動します)", "en": "not running (the next submission starts it)"},
    "worker_off": {"ja": "無効 (RABBIT_WORKER=off)", "en": "turned off (RABBIT_WORKER=off)"},
    "db_missing": {"ja": "(まだ作成されていません)", "en": "(not created yet)"},
}


def m(_key: str, _lang: str, **kw) -> str:
    return L[_key][_lang].format(**kw)


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
    from quiz import batch
    from quiz.commands.exercise_core import _get

    lang = pick_lang(lang)
    if json_out and csv_out:
        _usage(m("json_and_csv", lang))
    if not directory.is_dir():
        _usage(m("not_a_dir", lang, path=directory))
    ex = _get(exercise, lang)
    paths = batch.submissions(directory)
    start = time.monotonic()
    progress = _Progress(lang)
    from quiz.box import Unisolated

    try:
        rows = batch.grade_all(ex, paths, jobs, on_done=progress.update, unisolated_ok=allow_unisolated)
    except Unisolated as e:
        progress.done()
        _usage(m("unisolated", lang, why=e))
    finally:
        progress.done()
    seconds = time.monotonic() - start
    records = [_record(row, ex, lang) for row in rows]
    if json_out:
        from quiz.safetext import json_ready

        print(json.dumps(json_ready(records), ensure_ascii=False, indent=2, allow_nan=False))
    elif csv_out:
        _print_csv(records)
    else:
        if not rows:
            print(m("no_files", lang, path=directory))
        else:
            _print_table(records, lang)
        isolation = next((r["isolation"] for r in records if r["isolation"]), "-")
        passed = sum(r["passed"] for r in records)
        print(m("summary", lang, n=len(records), passed=passed, failed=len(records) - passed,
                seconds=seconds, jobs=jobs, isolation=isolation.partition(":")[0]))


class _Progress:
    """`grading 12/300` on stderr, rewritten in place; only when stderr is a terminal."""

    def __init__(self, lang: str):
        self.lang = lang
        self.live = sys.stderr.isatty()
        self.shown = False

    def update(self, done: int, total: int, row) -> None:
        if self.live:
            sys.stderr.write("\r" + m("progress", self.lang, done=done, total=total))
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _record(row, ex, lang: str) -> dict:
    from quiz import freshcases

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
        return m(row.code, lang) + (f": {row.detail}" if row.detail else "")
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

    head = [m("col_file", lang), m("col_passed", lang), m("col_cases", lang), m("col_reason", lang)]
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

    from quiz.safetext import csv_cell

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
    from quiz import __version__, box, home

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
    rows = [(m("isolation", lang), m("iso_ns", lang) if iso["active"] else m("iso_rl", lang))]
    if not iso["active"]:
        rows.append(("", m("iso_why", lang, why=iso["detail"] or iso["error"] or "?")))
    if facts:
        rows.append(("", m("box_sees", lang)))
        rows.append(("", "  " + m("fact_pid", lang, pid=facts.get("pid"), n=facts.get("processes_seen"))))
        writable = facts.get("root_writable") or facts.get("python_writable")
        state = m("root_rw", lang) if writable else m("root_ro", lang)
        rows.append(("", "  " + m("fact_root", lang, state=state)))
        rows.append(("", "  " + m("fact_net", lang, result=facts.get("network"))))
        seen = facts.get("visible") or []
        state = m("visible", lang, paths=", ".join(dict.fromkeys(seen))) if seen else m("hidden", lang)
        rows.append(("", "  " + m("fact_hidden", lang, state=state)))
        limits = data["isolation"]["limits"]
        cap = limits["process_cap"]
        text = (m("cap_pidns", lang, n=cap["value"]) if cap["by"] == "pid_max" else
                m("cap_nproc", lang, n=cap["value"]) if cap["by"] == "RLIMIT_NPROC" else m("cap_none", lang))
        rows.append(("", "  " + m("fact_procs", lang, cap=text)))
        one = facts.get("children") != "allowed"
        rows.append(("", "  " + m("fact_children", lang, state=m("children_denied" if one else "children_allowed", lang))))
        mem = limits["memory"]
        each = _gib(facts.get("rlimit_as"))
        how = (m("memory_one", lang, each=each, cgroup=mem["cgroup"]) if mem["by"] == "one process" else
               m("memory_many", lang, each=each, n=cap["value"] or "?"))
        rows.append(("", "  " + m("fact_memory", lang, total=_gib(mem["budget"]) if mem["budget"] else "?", how=how)))
        rows.append(("", "  " + m("fact_sealed", lang, **{k: m("denied", lang) if facts.get(k) == "EPERM" else
                                                           (facts.get(k) or "?") for k in ("locks", "keyring")})))
        caps = facts.get("cap_eff")
        rows.append(("", "  " + m("fact_caps", lang, caps=m("none", lang) if caps and int(caps, 16) == 0 else caps)))
    if not worker_enabled:
        worker = m("worker_off", lang)
    elif pong:
        worker = m("worker_on", lang, isolation=pong.get("isolation"))
    else:
        worker = m("worker_idle", lang)
    rows += [
        (m("worker", lang), worker),
        ("python", f"{data['python']['version']} ({sys.executable})"),
        ("numpy", numpy_version or "-"),
        ("rabbit", __version__),
        ("RABBIT_HOME", data["rabbit_home"]),
        (m("database", lang), f"{db}" + ("" if db.exists() else " " + m("db_missing", lang))),
    ]
    width = max(_width(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key}{' ' * (width - _width(key))}  {value}")


def _limits(facts: dict, active: bool) -> dict:
    """The process cap and the memory bound that really hold, from what the probe box saw.

    RLIMIT_NPROC binds nobody running as root; pid_max caps a box only when it is the value the
    box set in its own PID namespace (Linux >= 6.14)."""
    from quiz import isolation

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
