"""The attempt log never loses a row, and a broken or unusable database gives a clear error."""

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from quiz import bank, session
from quiz.kinds import right_answer
from quiz.exercises import load_all
from quiz.store import MIGRATIONS, Attempt, Store, StoreError

RIGHT = "input_gate * a + forget_gate * prev_c"


def rabbit(args, **kw):
    return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True, timeout=60, **kw)


def test_log_is_append_only(rabbit_home):
    store = Store()
    store.record(Attempt("d3.s1.x", "question", True, "1"))
    db = store.connect()
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE attempts SET correct = 0")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM attempts")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sigkill_mid_quiz_keeps_every_given_answer(rabbit_home, wait_for_attempts):
    items = session.select(bank.load(), 3, None, 6, 99)
    exercises = load_all()
    proc = subprocess.Popen([sys.executable, "-m", "quiz", "quiz", "day3", "--count", "6", "--seed", "99"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    for q in items[:3]:
        proc.stdin.write("\n".join(right_answer(q, exercises, 99)) + "\n")  # typed as --seed 99 shows them
    proc.stdin.flush()
    db_path = rabbit_home / "rabbit.db"
    wait_for_attempts(db_path, 3, proc=proc)
    proc.kill()  # SIGKILL while it waits for the 4th answer
    proc.wait()
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in db.execute("SELECT item_id FROM attempts ORDER BY id")] == [q.id for q in items[:3]]
    out = rabbit(["stats", "--json"])
    assert out.returncode == 0


def test_two_processes_recording_at_once_lose_no_rows(rabbit_home):
    code = textwrap.dedent("""
        import sys
        from quiz.store import Attempt, Store
        store = Store()
        for i in range(300):
            store.record(Attempt(f"{sys.argv[1]}.{i}", "question", i % 2 == 0, str(i)))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code, tag]) for tag in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    db = sqlite3.connect(rabbit_home / "rabbit.db")
    assert db.execute("SELECT count(*), count(DISTINCT item_id) FROM attempts").fetchone() == (600, 600)


def _no_traceback(out):
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout


def test_corrupt_database_is_named_and_left_alone(rabbit_home):
    rabbit_home.mkdir(parents=True)
    db = rabbit_home / "rabbit.db"
    garbage = os.urandom(4096)
    db.write_bytes(garbage)
    out = rabbit(["stats"])
    assert out.returncode == 2 and str(db) in out.stderr and "Move it aside" in out.stderr
    _no_traceback(out)
    assert db.read_bytes() == garbage


def test_foreign_sqlite_file_is_not_taken_over(rabbit_home):
    rabbit_home.mkdir(parents=True)
    db = rabbit_home / "rabbit.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    out = rabbit(["submit", "lstm", "--answer", RIGHT])
    assert out.returncode == 2 and "not rabbit's" in out.stderr
    _no_traceback(out)
    assert sqlite3.connect(db).execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]


def test_older_database_upgrades_in_place(rabbit_home):
    rabbit_home.mkdir(parents=True)
    con = sqlite3.connect(rabbit_home / "rabbit.db")
    con.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    con.execute("INSERT INTO attempts (uid, item_id, kind, correct, answered_at) VALUES ('u1', 'd3.s1.x', 'question', 1, "
                "'2026-01-01T00:00:00+00:00')")
    con.commit()
    con.close()
    store = Store()
    assert store.connect().execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert [r["uid"] for r in store.attempts()] == ["u1"]
    store.set_config("exam_date", "2027-01-01")


def _can_unshare():
    return shutil.which("unshare") and subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs unprivileged user and mount namespaces to make a read-only mount")
def test_read_only_home_gives_a_clear_error(rabbit_home):
    rabbit_home.mkdir(parents=True)
    assert rabbit(["exercises"]).returncode == 0  # the database exists
    script = (f'mount --bind "{rabbit_home}" "{rabbit_home}" && mount -o remount,bind,ro "{rabbit_home}" && '
              f'exec "{sys.executable}" -m quiz submit lstm --answer "{RIGHT}"')
    out = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, out.stdout + out.stderr
    assert str(rabbit_home) in out.stderr and "RABBIT_HOME" in out.stderr
    _no_traceback(out)


def test_full_disk_gives_a_clear_error_and_keeps_the_log(rabbit_home):
    assert rabbit(["submit", "lstm", "--answer", "forget_gate * c"]).returncode == 1  # one row, caches warm
    db = rabbit_home / "rabbit.db"
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()

    def no_room():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    def run(args):
        return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True, timeout=60,
                              preexec_fn=no_room)

    graded = run(["submit", "lstm", "--answer", RIGHT])  # the box cannot even get a temporary directory
    assert graded.returncode == 2 and "disk may be full" in graded.stderr, graded.stderr
    _no_traceback(graded)
    setting = run(["config", "exam-date", "2027-01-01"])  # a plain write to the database
    assert setting.returncode == 2, setting.stdout + setting.stderr
    assert str(db) in setting.stderr and ("full" in setting.stderr or "disk" in setting.stderr)
    _no_traceback(setting)
    rows = sqlite3.connect(db).execute("SELECT item_id, correct FROM attempts").fetchall()
    assert rows == [("ex.lstm", 0)]
    assert rabbit(["history", "--json"]).returncode == 0  # and it reads fine afterwards


def test_unwritable_home_path(monkeypatch):
    monkeypatch.setenv("RABBIT_HOME", "/proc/rabbit-cannot-be-here")
    with pytest.raises(StoreError, match="RABBIT_HOME"):
        Store().connect()
    out = rabbit(["history"], env=dict(os.environ))
    assert out.returncode == 2 and "/proc/rabbit-cannot-be-here" in out.stderr
    _no_traceback(out)


def test_a_transaction_cut_short_by_ctrl_c_does_not_stop_the_next_write(rabbit_home):
    """Ctrl-C can land just after a transaction's BEGIN (the exam asks pause / hand in wherever it
    comes): its half is undone and the next write (pausing the exam) goes through."""
    from quiz.store import Store

    store = Store()
    exam = store.exam_create(1, 10, ["a", "b"])
    db = store.connect()
    db.execute("BEGIN IMMEDIATE")  # as an interrupted write leaves it
    db.execute("UPDATE exams SET minutes = 99 WHERE id = ?", (exam,))
    store.exam_set_state(exam, "paused", 300.0)
    row = Store().exam_get(exam)
    assert row["state"] == "paused" and row["minutes"] == 10
