"""The exercise commands as a learner uses them: exit codes, JSON, the attempt log."""

import json
import signal
import sqlite3
import subprocess
import sys

from typer.testing import CliRunner

from quiz.cli import app
from quiz.exercises import load_all

runner = CliRunner()
RIGHT = "input_gate * a + forget_gate * prev_c"

def _default_sigint():  # Ctrl-C reaches the child as from a terminal, even if the suite runs as a
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # background job (bash ignores SIGINT there)



def rabbit(*args):
    return runner.invoke(app, list(args))


def test_exercises_json_lists_all_with_status():
    result = rabbit("exercises", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {r["name"] for r in rows} == set(load_all())
    assert all(r["status"] == "not_started" for r in rows)
    assert {"day", "section", "title", "id"} <= set(rows[0])


def test_submit_pass_fail_and_status(rabbit_home):
    ok = rabbit("submit", "lstm", "--answer", RIGHT)
    assert ok.exit_code == 0, ok.stdout
    bad = rabbit("submit", "gru", "--answer", "z * h + (1-z) * h_bar")
    assert bad.exit_code == 1
    rows = {r["name"]: r["status"] for r in json.loads(rabbit("exercises", "--json").stdout)}
    assert rows["lstm"] == "passed" and rows["gru"] == "failed" and rows["bptt"] == "not_started"


def test_submit_json_has_feedback_and_misconception():
    result = rabbit("submit", "lstm", "--answer", "forget_gate * c", "--json", "--lang", "en")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["exercise"] == "lstm" and data["passed"] is False
    assert data["cases"] >= 4 and data["failed"]
    assert data["misconception"] is not None
    assert any("common mistake" in line for line in data["feedback"])


def test_submit_records_every_attempt_in_the_log(rabbit_home):
    rabbit("submit", "lstm", "--answer", "forget_gate * c")
    rabbit("submit", "lstm", "--answer", RIGHT)
    db = sqlite3.connect(rabbit_home / "rabbit.db")
    rows = db.execute("SELECT item_id, correct, answer, duration_ms, answered_at FROM attempts ORDER BY id").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [("ex.lstm", 0, "forget_gate * c"), ("ex.lstm", 1, RIGHT)]
    assert all(r[3] is not None and r[4] for r in rows)


def test_submit_learner_copy_and_file(rabbit_home, tmp_path):
    show = rabbit("show", "lstm")
    assert show.exit_code == 0
    copy = rabbit_home / "exercises" / "lstm.py"
    assert str(copy) in show.stdout.replace("\n", "")
    unfilled = rabbit("submit", "lstm")
    assert unfilled.exit_code == 1 and "(け)" in unfilled.stdout
    copy.write_text(copy.read_text(encoding="utf-8").replace("___け___", RIGHT), encoding="utf-8")
    assert rabbit("submit", "lstm").exit_code == 0
    other = tmp_path / "mine.py"
    other.write_text(copy.read_text(encoding="utf-8").replace(RIGHT, "forget_gate * c"), encoding="utf-8")
    assert rabbit("submit", "lstm", "--file", str(other)).exit_code == 1


def test_usage_errors_exit_2_and_name_the_fix(tmp_path):
    unknown = rabbit("submit", "lstmm", "--answer", "1")
    assert unknown.exit_code == 2 and "lstm" in unknown.stderr
    missing = rabbit("submit", "lstm", "--file", str(tmp_path / "nope.py"))
    assert missing.exit_code == 2 and "nope.py" in missing.stderr
    bad = rabbit("submit", "lstm", "--answer", "input_gate *")
    assert bad.exit_code == 2 and "--answer" in bad.stderr
    both = rabbit("submit", "lstm", "--answer", RIGHT, "--file", "x.py")
    assert both.exit_code == 2


def test_hint_tiers_advance_and_stop_at_the_last():
    ex = load_all()["lstm"]
    seen = [rabbit("hint", "lstm", "--lang", "en").stdout for _ in range(len(ex.hints) + 1)]
    for i, out in enumerate(seen[: len(ex.hints)], 1):
        assert f"Hint {i}/{len(ex.hints)}" in out
    assert f"Hint {len(ex.hints)}/{len(ex.hints)}" in seen[-1]


def test_reset_restores_the_template_and_keeps_a_backup(rabbit_home):
    rabbit("show", "gru")
    copy = rabbit_home / "exercises" / "gru.py"
    copy.write_text("my work", encoding="utf-8")
    result = rabbit("reset", "gru")
    assert result.exit_code == 0
    assert "___こ___" in copy.read_text(encoding="utf-8")
    (backup,) = (rabbit_home / "exercises").glob("gru.py.*.bak")
    assert backup.read_text(encoding="utf-8") == "my work"


def test_every_command_has_help_text():
    for cmd in ("exercises", "show", "submit", "hint", "reset", "watch"):
        result = rabbit(cmd, "--help")
        assert result.exit_code == 0 and len(result.stdout) > 50


def test_help_and_list_do_not_import_numpy(rabbit_home):
    code = (
        "import sys; sys.argv = ['rabbit'] + sys.argv[1:]\n"
        "from quiz.cli import app\n"
        "try:\n    app(prog_name='rabbit')\nexcept SystemExit:\n    pass\n"
        "print('NUMPY' if 'numpy' in sys.modules else 'CLEAN')\n"
    )
    for args in (["--help"], ["exercises", "--json"]):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                             env={"RABBIT_HOME": str(rabbit_home), "PATH": "/usr/bin:/bin"})
        assert out.stdout.strip().endswith("CLEAN"), (args, out.stdout[-200:], out.stderr[-500:])


def test_installed_script_works_from_any_directory(rabbit_exe, tmp_path, rabbit_home):
    env = {"RABBIT_HOME": str(rabbit_home), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([str(rabbit_exe), "submit", "lstm", "--answer", RIGHT], cwd=tmp_path,
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    version = subprocess.run([sys.executable, "-m", "quiz", "--version"], cwd=tmp_path,
                             capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("rabbit ")


def test_watch_regrades_on_save_and_stops_cleanly(rabbit_home, wait_for_attempts):
    import os
    import signal
    import threading
    import time

    env = dict(os.environ, RABBIT_LANG="en", PYTHONUNBUFFERED="1")  # each verdict reaches the pipe at once
    proc = subprocess.Popen([sys.executable, "-m", "quiz", "watch", "lstm", "--interval", "0.1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=_default_sigint)
    chunks, first_verdict, passed = [], threading.Event(), threading.Event()

    def read():
        for line in proc.stdout:
            chunks.append(line)
            if "blank (け) is not filled in yet" in line:
                first_verdict.set()
            if "Passed" in line:
                passed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert first_verdict.wait(60), "watch never graded the unfilled copy:\n" + "".join(chunks)
        copy = rabbit_home / "exercises" / "lstm.py"
        text = copy.read_text(encoding="utf-8").replace("___け___", RIGHT)
        copy.write_text(text, encoding="utf-8")
        os.utime(copy, (time.time() + 5, time.time() + 5))
        wait_for_attempts(rabbit_home / "rabbit.db", 1, where="correct = 1", proc=proc)
        # the attempt is recorded before its verdict is printed: wait for the verdict too, or
        # Ctrl-C may come between the two
        assert passed.wait(60), "watch recorded the pass but never said so:\n" + "".join(chunks)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # never leave a watch running after the test
            proc.kill()
            proc.wait()
            raise
        reader.join(timeout=20)  # the rest of stdout, up to its end
        err = proc.stderr.read()
        proc.stdin.close()
    out = "".join(chunks)
    assert proc.returncode == 0, err
    assert "blank (け) is not filled in yet" in out and "Passed" in out
    assert "Traceback" not in err


def test_every_command_is_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    commands = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    assert len(commands) >= 8
    for name in commands:
        assert f"rabbit {name}" in readme, f"`rabbit {name}` is not in the README"
