"""quiz.grading as a package: the worker program's modules load by path
and import nothing of rabbit's; reasons are plain strings wherever they are written; a closed
stdout ends rabbit quietly; rabbit watch refills the fresh-case pool as submit does."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quiz import grading
from quiz.exercises import load_all
from quiz.grading import freshcases, launch

PACKAGE = Path(grading.__file__).parent
DEADLINE = 60  # seconds; never waited out when things work


def test_the_worker_program_s_modules_load_by_path_without_importing_quiz_or_numpy():
    # what the worker program does before it reads the harness (see worker.py's __main__ block)
    code = (
        "import json, sys, types\n"
        "for name, path in json.loads(sys.argv[1]):\n"
        "    m = types.ModuleType('rabbit_' + name); m.__file__ = path; sys.modules[m.__name__] = m\n"
        "    exec(compile(open(path).read(), path, 'exec'), m.__dict__)\n"
        "print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in ('quiz', 'numpy', 'solutions'))))\n"
    )
    modules = launch.worker_spec()["modules"]
    assert [name for name, _ in modules] == list(launch.MODULES)
    out = subprocess.run([sys.executable, "-I", "-c", code, json.dumps(modules)], capture_output=True, text=True,
                         cwd="/", timeout=DEADLINE)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_the_worker_program_and_its_modules_import_only_the_standard_library_at_the_top():
    names = (*launch.MODULES, "worker")
    unguarded = [(name, node.module) for name in names
                 for node in ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8")).body
                 if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("quiz")]
    assert len(names) > 3 and unguarded == []


def test_every_grading_module_says_what_it_is_and_reads_in_one_sitting():
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(text)), path.name
        assert len(text.splitlines()) <= 300, path.name


def test_a_reason_is_the_same_plain_string_in_json_csv_and_messages():
    ex = load_all()["lstm"]
    verdict = grading.grade(ex, ex.template.read_text(encoding="utf-8"))
    assert verdict.reason == grading.Reason.BLANK == "blank"
    assert json.loads(json.dumps(verdict.to_dict()))["reason"] == "blank"
    assert f"reason_{verdict.reason}" == "reason_blank" and str(verdict.reason) == "blank"


def _rabbit(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "quiz", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, RABBIT_LANG="en"))


@pytest.mark.parametrize("args, code", [
    (("submit", "lstm", "--answer", "input_gate * a + forget_gate * prev_c", "--json"), 141),  # SIGPIPE's code
    (("exercises", "--json"), 1),  # through typer: click's own handling of EPIPE, quiet too
])
def test_a_reader_that_goes_away_ends_rabbit_quietly(args, code):
    """`rabbit ... --json | head -c 10`: the reader is gone before rabbit writes; no traceback."""
    proc = _rabbit(*args)
    proc.stdout.close()  # nobody reads: every write to stdout fails with EPIPE
    try:
        _, err = proc.communicate(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = err.decode("utf-8", "replace")
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert proc.returncode == code


def test_watch_refills_the_fresh_case_pool_after_a_verdict(rabbit_home):
    ex = load_all()["lstm"]
    copy = rabbit_home / "exercises" / ex.template.name
    directory = freshcases.pool_dir(ex)
    proc = subprocess.Popen([sys.executable, "-m", "quiz", "watch", "lstm", "--interval", "0.1"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, RABBIT_LANG="en", RABBIT_HOME=str(rabbit_home)))
    try:
        deadline = time.monotonic() + DEADLINE
        while not copy.exists():  # watch copies the template into the home before it watches
            assert proc.poll() is None and time.monotonic() < deadline, "watch did not start"
            time.sleep(0.05)
        copy.write_text(copy.read_text(encoding="utf-8").replace(ex.marker, "input_gate * a"), encoding="utf-8")
        later = time.time() + 5  # a new mtime even on a coarse-clock filesystem
        os.utime(copy, (later, later))
        while not (directory.is_dir() and list(directory.glob("*" + freshcases.SUFFIX))):
            assert proc.poll() is None, "watch ended early"
            assert time.monotonic() < deadline, "watch graded a submission but left the fresh-case pool empty"
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
