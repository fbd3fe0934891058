"""The store owns the SQL: one transaction helper, rebuilds that cannot half-happen, errors caught by class."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import quiz
from quiz import bank, progress, review
from quiz.store import Attempt, Store, StoreError

QUIZ = Path(quiz.__file__).parent
SQL = re.compile(r"SELECT |INSERT |UPDATE |BEGIN")
SQL_HOMES = {QUIZ / "store.py", QUIZ / "store_exams.py", QUIZ / "migrations.py"}  # the store (and its exam tables)


def test_no_sql_outside_the_store():
    found = [f"{path.relative_to(QUIZ.parent)}:{n}: {line.strip()}"
             for path in sorted(QUIZ.rglob("*.py")) if path not in SQL_HOMES
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if SQL.search(line)]
    assert found == [], "SQL belongs in quiz/store.py (or store_exams.py):\n" + "\n".join(found)


def _insert(store, item_id, days_ago=0.0, correct=True, kind="question", item_hash=None, detail=None):
    when = datetime.now(timezone.utc) - timedelta(days=days_ago)
    store.connect().execute(
        "INSERT INTO attempts (uid, item_id, kind, correct, answered_at, item_hash, detail) VALUES (?,?,?,?,?,?,?)",
        (os.urandom(8).hex(), item_id, kind, int(correct), when.isoformat(timespec="milliseconds"), item_hash, detail))


def _derived(db_path):
    db = sqlite3.connect(db_path)
    try:
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall())
                for t in ("summary_item_day", "summary_item", "summary_day", "summary_exercise", "review_state",
                          "derived_meta")}
    finally:
        db.close()


def test_transaction_commits_together_and_rolls_back_on_any_exception(rabbit_home):
    store = Store()
    with store.transaction():
        store.record(Attempt("d3.s1.a", "question", True))
        store.record(Attempt("d3.s1.b", "question", True))
    with pytest.raises(KeyError):
        with store.transaction():
            store.record(Attempt("d3.s1.c", "question", True))
            raise KeyError("something unrelated went wrong halfway")
    assert not store.connect().in_transaction
    assert [a["item_id"] for a in Store().attempts()] == ["d3.s1.a", "d3.s1.b"]  # seen from another connection


def test_transaction_waits_for_another_writer(rabbit_home):
    store = Store()
    store.connect()
    other = sqlite3.connect(rabbit_home / "rabbit.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another rabbit holds the write lock ...
    other.execute("INSERT INTO config (key, value) VALUES ('by', 'other')")

    threading.Timer(0.2, lambda: other.execute("COMMIT")).start()  # ... for a moment, within the busy timeout
    with store.transaction():
        assert store.get_config("by") == "other"  # the lock was taken once the other writer had committed
        store.set_config("by", "us")
    assert Store().get_config("by") == "us"


def test_a_failed_write_in_a_transaction_is_a_store_error(rabbit_home):
    store = Store()
    store.connect()
    with pytest.raises(StoreError, match=r"could not update things in .*rabbit\.db"):
        with store.transaction("update things in"):
            store.connect().execute("INSERT INTO no_such_table VALUES (1)")
    assert not store.connect().in_transaction


def test_a_failure_in_the_middle_of_a_rebuild_leaves_the_derived_tables_as_they_were(rabbit_home):
    store = Store()
    for i, item in enumerate(["d3.s1.a", "d3.s1.b", "d3.s2.a"]):
        _insert(store, item, days_ago=3 - i, correct=i % 2 == 0)
    _insert(store, "ex.lstm", kind="exercise", correct=False)
    progress.fold(store)
    review.sync(store)
    store.close()
    db_path = rabbit_home / "rabbit.db"
    before = _derived(db_path)
    assert before["summary_day"] and before["summary_item_day"] and before["review_state"]
    con = sqlite3.connect(db_path)  # the last summary to be refilled cannot be written
    con.execute("CREATE TRIGGER fail_midway BEFORE INSERT ON summary_day BEGIN SELECT RAISE(ABORT, 'disk gone'); END")
    con.commit()
    con.close()
    store = Store()
    with pytest.raises((sqlite3.Error, StoreError), match="disk gone"):
        progress.rebuild(store)  # as rabbit import runs it
    store.close()
    assert _derived(db_path) == before


def test_a_cram_answer_is_told_apart_however_its_detail_is_spaced(rabbit_home):
    q = next(q for q in bank.load() if q.type == "choice")
    store = Store()
    _insert(store, q.id, days_ago=30, item_hash="an-older-version")  # the last counted answer: an older text
    _insert(store, q.id, days_ago=1, item_hash=q.content_hash, detail='{"cram":true}')  # compact JSON (an import)
    store.close()
    out = subprocess.run([sys.executable, "-m", "quiz", "review", "--json"], input="1\n1\n",
                         capture_output=True, text=True, env=dict(os.environ, RABBIT_LANG="en"), timeout=60)
    assert json.loads(out.stdout)["items"][0]["id"] == q.id
    assert "this question changed since you last answered it" in out.stderr


def test_help_does_not_import_sqlite3(rabbit_home):
    code = ("import sys; sys.argv = ['rabbit', '--help']\n"
            "from quiz.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('SQLITE3' if 'sqlite3' in sys.modules else 'CLEAN')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"RABBIT_HOME": str(rabbit_home), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip().endswith("CLEAN"), out.stdout[-300:] + out.stderr[-500:]


def test_errors_are_caught_by_their_class(rabbit_home):
    code = ("import sys\n"
            "from quiz.store import Store, StoreError\n"
            "class DiskGone(StoreError): pass\n"
            "def broken(self):\n    raise DiskGone('could not write to the log (disk gone)')\n"
            "Store.connect = broken\n"
            "sys.argv = ['rabbit', 'history']\n"
            "from quiz.cli import main\n"
            "main()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, RABBIT_HOME=str(rabbit_home)), timeout=60)
    assert out.returncode == 2 and "rabbit: could not write to the log (disk gone)" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
