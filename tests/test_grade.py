"""rabbit grade (a directory of submissions, in parallel, nothing recorded) and rabbit doctor."""

import csv
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from quiz import grading
from quiz.grading import box
from quiz.exercises import load_all
from quiz.store import Attempt, Store


def lstm():
    """The lstm exercise, loaded on first use inside a test (under that test's RABBIT_HOME)."""
    return load_all()["lstm"]


RIGHT = "input_gate * a + forget_gate * prev_c"
ISOLATION = box.isolation_report()
NAMESPACES = bool(ISOLATION.get("active"))
needs_namespaces = pytest.mark.skipif(
    not NAMESPACES, reason=f"needs unprivileged user namespaces: {ISOLATION.get('detail') or ISOLATION.get('error')}")


def rabbit(args, **kw):
    env = dict(os.environ, RABBIT_LANG="en")
    env.update(kw.pop("env", {}))
    kw.setdefault("timeout", 120)
    return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True, env=env, **kw)


def filled(answer, prelude=""):
    return prelude + "\n" + grading.fill(lstm(), answer)


def make_class(directory, extra=None):
    """A small class: three right answers, a misprint, a wrong value, an unfilled blank, a syntax error."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "alice.py": filled(RIGHT),
        "bob.py": filled("forget_gate * prev_c + input_gate * a"),
        "carol.py": filled("a * input_gate + prev_c * forget_gate"),
        "dave.py": filled("forget_gate * c"),
        "erin.py": filled("output_gate * a + forget_gate * prev_c"),
        "frank.py": lstm().template.read_text(encoding="utf-8"),
        "grace.py": "def lstm(:\n",
    }
    files.update(extra or {})
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    (directory / "notes.txt").write_text("not a submission", encoding="utf-8")
    return files


EXPECTED = {
    "alice.py": (True, ""), "bob.py": (True, ""), "carol.py": (True, ""),
    "dave.py": (False, "error"), "erin.py": (False, "mismatch"), "frank.py": (False, "blank"),
    "grace.py": (False, "load"),
}


def by_file(rows):
    return {r["file"]: r for r in rows}


def test_grade_json_lists_every_file_with_its_verdict(tmp_path):
    make_class(tmp_path / "class")
    out = rabbit(["grade", str(tmp_path / "class"), "--exercise", "lstm", "--jobs", "3", "--json"])
    assert out.returncode == 0, out.stderr
    rows = by_file(json.loads(out.stdout))
    assert set(rows) == set(EXPECTED)  # notes.txt is not a submission
    for name, (passed, code) in EXPECTED.items():
        row = rows[name]
        assert row["passed"] is passed and row["reason_code"] == code, row
        assert row["cases"] == 8 and row["cases_passed"] == (8 if passed else 0)  # 5 public, 3 fresh
        assert bool(row["reason"]) is not passed
    assert "UnboundLocalError" in rows["dave.py"]["reason"]
    assert "SyntaxError" in rows["grace.py"]["reason"]
    assert rows["erin.py"]["reason"].startswith("case “B=3 D=5 H=6”: c has wrong values")


def test_grade_csv_is_a_gradebook(tmp_path):
    make_class(tmp_path / "class")
    out = rabbit(["grade", str(tmp_path / "class"), "-e", "lstm", "--csv"])
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == ["file", "passed", "cases_passed", "cases", "reason", "reason_code", "seconds",
                             "fresh_cases_passed", "fresh_cases", "private_seed"]
    assert [r["file"] for r in rows] == sorted(EXPECTED)
    assert {r["file"]: r["passed"] for r in rows} == {n: str(int(p)) for n, (p, _) in EXPECTED.items()}


def test_grade_table_and_summary_in_both_languages(tmp_path):
    make_class(tmp_path / "class")
    out = rabbit(["grade", str(tmp_path / "class"), "-e", "lstm", "--jobs", "2"])
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["file", "passed", "cases"]
    assert any(line.startswith("alice.py") and "✔" in line and "5/5" in line for line in lines)
    assert any(line.startswith("frank.py") and "✘" in line and "blank (け)" in line for line in lines)
    assert lines[-1].startswith("7 files: 3 passed, 4 failed (")
    assert ("isolation: namespaces" if NAMESPACES else "isolation: rlimits") in lines[-1]
    ja = rabbit(["grade", str(tmp_path / "class"), "-e", "lstm", "--lang", "ja"])
    assert ja.stdout.splitlines()[-1].startswith("7 件: 合格 3、不合格 4")


def _fingerprint(home):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(home.glob("rabbit.db*"))}


def test_grade_does_not_write_the_attempt_log(tmp_path, rabbit_home):
    make_class(tmp_path / "class")
    out = rabbit(["grade", str(tmp_path / "class"), "-e", "lstm", "--json"])
    assert out.returncode == 0
    assert not (rabbit_home / "rabbit.db").exists(), "grading a class created the instructor's log"
    store = Store()
    store.record(Attempt("d3.s1.x", "question", True, "1"))
    store.close()
    before = _fingerprint(rabbit_home)
    assert rabbit(["grade", str(tmp_path / "class"), "-e", "lstm"]).returncode == 0
    assert _fingerprint(rabbit_home) == before
    assert [a["item_id"] for a in Store().attempts()] == ["d3.s1.x"]


HOSTILE = {
    "h_loop.py": filled("[0 for _ in iter(int, 1)]"),
    "h_exit.py": filled(RIGHT, "import os\nos._exit(0)\n"),
    "h_flood.py": filled("[print('x' * 2**20) for _ in range(64)]"),
    "h_memory.py": filled("bytearray(8 * 1024**3)"),
    "h_frame.py": filled(RIGHT, "import os\nos.write(3, b'PK junk' * 1000)\nos._exit(0)\n"),
}
HOSTILE_NS = {  # only where a box has a PID namespace of its own: without one these would hurt the machine
    "h_bomb.py": filled(RIGHT, "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"),
    "h_killer.py": filled("output_gate * a + forget_gate * prev_c", "import os, signal\nif os.getpid() == 1:\n"
                                 "    for p in [-1] + [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
                                 "        try:\n            os.kill(p, signal.SIGKILL)\n        except OSError:\n            pass\n"),
    "h_daemon.py": filled("output_gate * a + forget_gate * prev_c",
                          "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(120)\n"),
}


def test_hostile_submissions_affect_nobody_else(tmp_path):
    hostile = dict(HOSTILE, **(HOSTILE_NS if NAMESPACES else {}))
    make_class(tmp_path / "class", hostile)
    start = time.monotonic()
    out = rabbit(["grade", str(tmp_path / "class"), "-e", "lstm", "--jobs", "4", "--json"])
    assert out.returncode == 0, out.stderr
    assert time.monotonic() - start < 60
    rows = by_file(json.loads(out.stdout))
    for name, (passed, code) in EXPECTED.items():
        assert rows[name]["passed"] is passed and rows[name]["reason_code"] == code, rows[name]
    for name in hostile:
        assert rows[name]["passed"] is False and rows[name]["reason_code"], rows[name]
    assert rows["h_loop.py"]["reason_code"] in ("cpu", "timeout")
    assert rows["h_flood.py"]["reason_code"] == "output_limit"
    assert rows["h_frame.py"]["reason_code"] in ("garbled", "no_result")


def test_odd_files_are_errors_not_hangs(tmp_path):
    d = tmp_path / "class"
    make_class(d)
    os.mkfifo(d / "fifo.py")
    (d / "link.py").symlink_to(d / "alice.py")
    (d / "huge.py").write_bytes(b"#" * (2 * 1024**2))
    (d / "sjis.py").write_bytes(("# 提出: 山田\n" + filled(RIGHT)).encode("cp932"))
    (d / "dir.py").mkdir()
    out = rabbit(["grade", str(d), "-e", "lstm", "--json"], timeout=60)
    assert out.returncode == 0, out.stderr
    rows = by_file(json.loads(out.stdout))
    assert rows["fifo.py"]["reason_code"] == "unreadable"
    assert rows["link.py"]["reason_code"] == "unreadable"
    assert rows["huge.py"]["reason_code"] == "too_big"
    assert rows["sjis.py"]["passed"] is True
    assert "dir.py" not in rows


@pytest.mark.parametrize("args, message", [
    (["grade", "{missing}", "-e", "lstm"], "no such directory"),
    (["grade", "{dir}", "-e", "nope"], "no exercise named"),
    (["grade", "{dir}", "-e", "lstm", "--json", "--csv"], "cannot be used together"),
    (["grade", "{dir}"], "--exercise"),
    (["grade", "{dir}", "-e", "lstm", "--jobs", "0"], "--jobs"),
])
def test_grade_usage_errors_exit_2(tmp_path, args, message):
    (tmp_path / "class").mkdir()
    args = [a.format(missing=tmp_path / "missing", dir=tmp_path / "class") for a in args]
    out = rabbit(args)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_grade_an_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    out = rabbit(["grade", str(tmp_path / "empty"), "-e", "lstm"])
    assert out.returncode == 0
    assert "no .py files" in out.stdout
    assert json.loads(rabbit(["grade", str(tmp_path / "empty"), "-e", "lstm", "--json"]).stdout) == []


def _children():
    """ppid -> pids of the live processes (a zombie has exited, it is only not reaped yet)."""
    out = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    fields = f.read().rpartition(")")[2].split()
            except OSError:  # it ended while we looked
                continue
            if fields[0] not in ("Z", "X"):
                out.setdefault(int(fields[1]), []).append(int(p))
    return out


def _argv(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def _private_worker(grade_pid):
    """The pids of the private worker that the `rabbit grade` with this pid started (the worker, its
    acceptors and boxes), once it answers a ping on its socket (abstract, named after that pid);
    None before. Only this test's processes: nobody else's `rabbit grade` on the machine counts."""
    with open("/proc/net/unix") as f:
        names = [line.split()[-1] for line in f.read().splitlines()[1:] if len(line.split()) >= 8]
    if not any(box.ping(n) for n in names if n.startswith(f"@rabbit-grade-{grade_pid}-")):
        return None
    children = _children()
    todo = [p for p in children.get(grade_pid, []) if _argv(p)[-2:] == [b"serve", b""]]
    found = set()
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo += children.get(pid, [])
    return found


def _wait_for_worker(proc):
    deadline = time.monotonic() + 60
    while (pids := _private_worker(proc.pid)) is None:
        assert proc.poll() is None and time.monotonic() < deadline, "the private worker never came up"
        time.sleep(0.05)
    assert pids, "the worker answered, but is not a child of rabbit grade"
    return pids


def _wait_until_gone(pids, message, timeout=10) -> set:
    """Wait (with a deadline) until none of `pids` is alive; the survivors (none, or the assert fails)."""
    deadline = time.monotonic() + timeout
    while alive := pids & {p for kids in _children().values() for p in kids}:
        assert time.monotonic() < deadline, f"{message}: {sorted(alive)}"
        time.sleep(0.05)
    return alive


def test_the_private_worker_is_stopped_at_the_end(tmp_path):
    make_class(tmp_path / "class", {"slow.py": filled("__import__('time').sleep(0.5) or " + RIGHT)})
    proc = subprocess.Popen([sys.executable, "-m", "quiz", "grade", str(tmp_path / "class"), "-e", "lstm", "--jobs", "3"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pids = _wait_for_worker(proc)
    assert proc.wait(timeout=120) == 0
    _wait_until_gone(pids, "the private worker outlived rabbit grade")


def test_the_private_worker_ends_with_a_killed_rabbit_grade(tmp_path):
    make_class(tmp_path / "class", {"slow.py": filled("__import__('time').sleep(60)")})
    proc = subprocess.Popen([sys.executable, "-m", "quiz", "grade", str(tmp_path / "class"), "-e", "lstm"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pids = _wait_for_worker(proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert pids and _wait_until_gone(pids, "the private worker outlived rabbit grade") == set()


def test_progress_is_shown_on_a_terminal_only(monkeypatch):
    from quiz.commands import grade_cmds

    class Tty(io.StringIO):
        def isatty(self):
            return True

    for stream, shown in ((Tty(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        progress = grade_cmds._Progress("en")
        progress.update(1, 3, None)
        progress.update(2, 3, None)
        progress.done()
        assert ("grading 2/3" in stream.getvalue()) is shown


def test_grade_uses_its_own_worker_with_several_acceptors(rabbit_home):
    from quiz.grading import batch

    with box.private_worker(3) as path:
        assert path is not None
        pong = box.ping(path)
        assert pong["acceptors"] == 3
        assert pong["isolation"].startswith("namespaces" if NAMESPACES else "rlimits: ")
        verdict = grading.grade(lstm(), filled(RIGHT), worker=path)
        assert verdict.passed
    assert box.ping(path) is None
    assert not (rabbit_home / "run").exists()  # the learner's own worker was not started
    assert batch.grade_all(lstm(), [], 2) == []


# -- rabbit doctor ---------------------------------------------------------------------------------
def test_doctor_json_tells_what_a_box_sees(rabbit_home):
    out = rabbit(["doctor", "--json"])
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["rabbit_home"] == str(rabbit_home)
    assert data["database"] == {"path": str(rabbit_home / "rabbit.db"), "exists": False}
    assert data["python"]["version"] == sys.version.split()[0]
    import numpy

    assert data["numpy"] == numpy.__version__
    assert data["worker"]["enabled"] is False and data["worker"]["running"] is False
    iso = data["isolation"]
    assert iso["active"] is NAMESPACES
    box_facts = iso["box"]
    if NAMESPACES:
        assert iso["mode"] == "namespaces"
        assert box_facts["pid"] == 1 and box_facts["processes_seen"] == 1
        assert box_facts["root_writable"] is False and box_facts["network"] in ("ENETUNREACH", "EHOSTUNREACH")
        assert box_facts["visible"] == [] and int(box_facts["cap_eff"], 16) == 0
    else:
        assert iso["mode"] == "rlimits" and iso["detail"]


def test_doctor_says_why_when_namespaces_are_off(rabbit_home):
    Store().record(Attempt("d3.s1.x", "question", True, "1"))  # something in the home to see
    out = rabbit(["doctor", "--json"], env={"RABBIT_ISOLATION": "off"})
    data = json.loads(out.stdout)
    assert data["isolation"]["active"] is False
    assert data["isolation"]["detail"] == "turned off by RABBIT_ISOLATION=off"
    assert data["isolation"]["box"]["pid"] != 1
    assert str(rabbit_home) in data["isolation"]["box"]["visible"]  # the truth: the box sees the home
    text = rabbit(["doctor"], env={"RABBIT_ISOLATION": "off"}).stdout
    assert "resource limits only" in text and "why: turned off by RABBIT_ISOLATION=off" in text


def test_doctor_reports_a_running_worker(warm_worker):
    out = rabbit(["doctor", "--json"])
    data = json.loads(out.stdout)
    assert data["worker"]["running"] is True and data["worker"]["socket"] == warm_worker
    assert data["worker"]["isolation"].startswith("namespaces" if NAMESPACES else "rlimits: ")
    assert "running (isolation:" in rabbit(["doctor"]).stdout


def test_the_fallback_is_noted_once_per_home(rabbit_home, tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(filled(RIGHT), encoding="utf-8")
    notes = []
    for _ in range(2):
        out = rabbit(["submit", "lstm", "--file", str(path)], env={"RABBIT_ISOLATION": "off"})
        assert out.returncode == 0, out.stderr
        notes.append(out.stderr.count("grading with resource limits only"))
    assert notes == [1, 0]
    if NAMESPACES:  # the same home, isolation back on: nothing to note
        out = rabbit(["submit", "lstm", "--file", str(path)])
        assert out.returncode == 0 and "resource limits only" not in out.stderr
