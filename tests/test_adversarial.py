"""Hostile submissions: each fails with a clear reason, within the deadline, and leaves the grader
alive and the attempt log intact.

Every test runs through the cold path (a one-shot worker) and through the warm worker. Tests that
rely on namespaces (a PID namespace, no network, a root without rabbit's files) say so and are
skipped, with the probe's reason, where the machine does not allow unprivileged user namespaces.
"""

import hashlib
import os
import socket
import sqlite3
import subprocess
import sysconfig
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest

import quiz
from quiz import grading, resources
from quiz.grading import box
from quiz.exercises import load_all
from quiz.store import Attempt, Store


def lstm():
    """The lstm exercise, loaded on first use inside a test (under that test's RABBIT_HOME)."""
    return load_all()["lstm"]


RIGHT = "input_gate * a + forget_gate * prev_c"
WRONG = "output_gate * a + forget_gate * prev_c"
DEADLINE = 10.0  # seconds: every verdict, however hostile the code, comes back sooner
FAST = box.Limits(cpu_seconds=2, wall_seconds=3)  # for code that only burns time

ISOLATION = box.isolation_report()
NAMESPACES = bool(ISOLATION.get("active"))
needs_namespaces = pytest.mark.skipif(
    not NAMESPACES, reason=f"needs unprivileged user namespaces: {ISOLATION.get('detail') or ISOLATION.get('error')}")


@pytest.fixture(autouse=True, params=["cold", "warm"])
def mode(request):
    """Each test twice: a one-shot worker (cold), and the learner's warm worker."""
    if request.param == "warm":
        request.getfixturevalue("shared_warm_worker")
    return request.param


@pytest.fixture(autouse=True)
def attempt_log(mode):
    """An attempt log with one row before every test; afterwards it opens, is intact, and holds that row."""
    store = Store()
    store.record(Attempt("d3.s1.before", "question", True, "1"))
    store.close()
    db = Path(os.environ["RABBIT_HOME"]) / "rabbit.db"
    yield db
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = conn.execute("SELECT item_id, correct FROM attempts ORDER BY id").fetchall()
    conn.close()
    assert rows[0] == ("d3.s1.before", 1)
    assert all(item == lstm().id and not correct for item, correct in rows[1:])  # only CLI submits add rows


@pytest.fixture(autouse=True)
def grader_alive(mode, attempt_log):
    """After the hostile code: the worker (warm) still answers, and a right answer still passes."""
    yield
    if mode == "warm":  # a slow answer on a loaded machine is not a dead worker: ask until a deadline
        deadline = time.monotonic() + 30
        while box.ping() is None:
            assert time.monotonic() < deadline, "the warm worker is gone"
            time.sleep(0.1)
    verdict = grading.grade(lstm(), grading.fill(lstm(), RIGHT), answer=RIGHT)
    assert verdict.passed, verdict


def source(answer, prelude=""):
    return textwrap.dedent(prelude) + "\n" + grading.fill(lstm(), answer)


def hostile(src, limits=box.Limits(), reasons=None):
    """Grade `src`; it must fail within the deadline, with one of `reasons` when given."""
    start = time.monotonic()
    verdict = grading.grade(lstm(), src, limits=limits)
    seconds = time.monotonic() - start
    assert not verdict.passed
    assert seconds < DEADLINE, f"took {seconds:.1f} s"
    code = verdict.reason or verdict.failed[0].reason
    if reasons is not None:
        assert code in reasons, (code, verdict)
    if NAMESPACES:
        assert verdict.isolation == "namespaces"
    return verdict


def errors(verdict):
    return "\n".join([verdict.error] + [c.error for c in verdict.failed])


# -- time, memory, output --------------------------------------------------------------------------
def test_infinite_loop_with_the_default_limits():
    verdict = hostile(source("[0 for _ in iter(int, 1)]"), reasons={"cpu", "timeout"})
    assert not verdict.passed and verdict.passed_cases == 0
    assert verdict.reason in ("cpu", "timeout")  # stopped as a whole, not case by case


@pytest.mark.parametrize("body, reasons", [
    ("time.sleep(60)", {"timeout"}),
    ("while True: pass", {"cpu", "timeout"}),
])
def test_a_loop_that_ignores_sigterm_and_sigxcpu(body, reasons):
    prelude = f"""
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGXCPU, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        def stall(a):
            {body}
    """
    verdict = hostile(source("stall(a)", prelude), FAST, reasons)
    assert not verdict.passed and verdict.passed_cases == 0
    assert verdict.reason in reasons  # ignoring the signals did not keep it alive past the deadline


@pytest.mark.parametrize("body, reasons", [
    ("time.sleep(0.05)", {"timeout"}),
    ("pass", {"cpu", "timeout"}),
])
def test_catching_every_exception_in_a_loop(body, reasons):
    prelude = f"""
        import time
        def stubborn(a):
            while True:
                try:
                    {body}
                except BaseException:
                    pass
    """
    verdict = hostile(source("stubborn(a)", prelude), FAST, reasons)
    assert not verdict.passed and verdict.passed_cases == 0
    assert verdict.reason in reasons  # swallowing every exception did not swallow the deadline


@pytest.mark.parametrize("answer", ["bytearray(8 * 1024**3)", "np.ones(2**31)", "[0] * 10**10"])
def test_huge_allocation(answer):
    verdict = hostile(source(answer), reasons={"error", "memory", "no_result"})
    if verdict.failed and verdict.failed[0].reason == "error":
        assert "MemoryError" in verdict.failed[0].error


@pytest.mark.parametrize("writer", ["print('x' * 2**20, end='')", "__import__('os').write(1, b'x' * 2**20)"])
def test_printing_a_gigabyte(writer):
    prelude = f"""
        def shout(a):
            for _ in range(1024):
                {writer}
    """
    verdict = hostile(source("shout(a)", prelude), reasons={"output_limit"})
    assert len(verdict.output) <= box.Limits().output_bytes


# -- leaving early ---------------------------------------------------------------------------------
@pytest.mark.parametrize("how, when, reasons", [
    ("sys.exit(0)", "import", {"load"}),
    ("os._exit(0)", "import", {"no_result"}),
    ("sys.exit(0)", "call", {"error"}),
    ("os._exit(0)", "call", {"no_result"}),
])
def test_exiting_with_status_zero_is_a_failure(how, when, reasons):
    if when == "import":
        src = source(RIGHT, f"import os, sys\n{how}\n")
    else:
        src = source("leave(a)", f"import os, sys\ndef leave(a):\n    {how}\n")
    verdict = hostile(src, reasons=reasons)
    if reasons == {"load"}:
        assert "SystemExit" in verdict.error
    if reasons == {"error"}:
        assert all("SystemExit" in c.error for c in verdict.failed)


@pytest.mark.parametrize("exc", ["KeyboardInterrupt", "SystemExit"])
def test_raising_keyboardinterrupt_or_systemexit_from_the_function(exc):
    prelude = f"""
        def bail(a):
            raise {exc}(0)
    """
    verdict = hostile(source("bail(a)", prelude), reasons={"error"})
    assert len(verdict.failed) == verdict.cases
    assert all(exc in c.error for c in verdict.failed)


def test_keyboardinterrupt_at_import():
    verdict = hostile(source(RIGHT, "raise KeyboardInterrupt\n"), reasons={"load"})
    assert "KeyboardInterrupt" in verdict.error


# -- lying about the result --------------------------------------------------------------------
def test_monkeypatching_numpy_and_the_harness_cannot_fake_a_pass():
    prelude = """
        import numpy, json
        numpy.allclose = lambda *a, **k: True
        numpy.array_equal = lambda *a, **k: True
        numpy.isclose = lambda *a, **k: True
        numpy.testing.assert_allclose = lambda *a, **k: None
        _asarray = numpy.asarray
        numpy.asarray = lambda v, *a, **k: _asarray(v, *a, **k) * 0
        _savez = numpy.savez
        def savez(file, **arrays):  # rewrite the result frame: every case "ok", every value 1
            arrays = {k: (v if k == "__status__" else numpy.ones_like(v)) for k, v in arrays.items()}
            _savez(file, **arrays)
        numpy.savez = savez
        json.dumps = lambda *a, **k: '[' + ','.join(['{"ok": true}'] * 5) + ']'
    """
    hostile(source(WRONG, prelude), reasons={"mismatch", "garbled"})


@pytest.mark.parametrize("prelude, answer, reasons", [
    ("class Liar(float):\n    def __eq__(self, other): return True\n    __hash__ = float.__hash__\n",
     "Liar(0.0)", {"mismatch", "shape"}),
    ("import numpy\nclass Liar:\n    def __eq__(self, other): return True\n    def __float__(self): return 0.0\n",
     "numpy.array([[Liar()] * a.shape[1]] * a.shape[0], dtype=object)", {"error"}),
    ("import numpy\nclass Always(numpy.ndarray):\n    def __eq__(self, other): return numpy.ones(numpy.shape(other), bool)\n"
     "    def __ne__(self, other): return numpy.zeros(numpy.shape(other), bool)\n",
     "numpy.zeros_like(a).view(Always)", {"mismatch"}),
    ("class Fake:\n    shape = (3, 6)\n    def __eq__(self, other): return True\n    def __array__(self, dtype=None, copy=None):\n"
     "        import numpy; return numpy.zeros(self.shape)\n",
     "Fake()", {"mismatch", "shape"}),
])
def test_an_object_array_or_ndarray_subclass_with_a_lying_eq(prelude, answer, reasons):
    verdict = hostile(source(answer, prelude), reasons=reasons)
    assert not verdict.passed and verdict.failed
    lied = verdict.failed[0]
    assert lied.reason in reasons
    if lied.reason == "mismatch":  # compared by value in the parent: the lie changed nothing
        assert lied.max_diff > 1e-3 and lied.actual_value != lied.expected_value


@pytest.mark.parametrize("answer", ["a * float('nan')", "a * float('inf')", "np.full_like(a, -np.inf)"])
def test_nan_and_infinite_output(answer):
    verdict = hostile(source(answer), reasons={"nonfinite"})
    assert verdict.failed[0].actual_value != verdict.failed[0].actual_value or abs(verdict.failed[0].actual_value) == float("inf")


@pytest.mark.parametrize("answer, hint", [
    (f"({RIGHT}).T", "transposed"),
    (f"({RIGHT})[:1]", ""),
    (f"({RIGHT}).mean(axis=0)", ""),
    (f"np.broadcast_to({RIGHT}, (2,) + a.shape)", ""),
])
def test_transposed_or_broadcast_compatible_wrong_shape(answer, hint):
    verdict = hostile(source(answer), reasons={"shape", "error"})
    shape_failures = [c for c in verdict.failed if c.reason == "shape"]
    assert shape_failures, verdict
    assert shape_failures[0].actual_shape != shape_failures[0].expected_shape
    if hint:
        assert any(c.hint == hint for c in shape_failures)


@pytest.mark.parametrize("writes, reasons", [
    ("os.write(3, b'PK\\x03\\x04 not really a zip')", {"garbled", "no_result"}),
    ("[os.write(3, b'\\0' * 2**20) for _ in range(40)]", {"too_large"}),
    ("os.write(3, forged(status=numpy.zeros(3)))", {"garbled"}),
    ("os.write(3, forged(status=numpy.frombuffer(b'[{\"ok\": true}]', numpy.uint8)))", {"garbled"}),
    ("os.write(3, forged(**{'c0.r0': numpy.array([object()])}))", {"garbled", "no_result"}),
])
def test_a_garbled_or_oversized_result_frame(writes, reasons):
    prelude = f"""
        import io, os, numpy
        def forged(**arrays):
            buf = io.BytesIO()
            arrays.setdefault("status", numpy.frombuffer(b"[]", numpy.uint8))
            arrays["__status__"] = arrays.pop("status")
            numpy.savez(buf, **arrays)
            return buf.getvalue()
        try:
            {writes}
        except Exception as e:
            print("could not write:", e)
        os._exit(0)
    """
    verdict = hostile(source(RIGHT, prelude), reasons=reasons)
    assert not verdict.passed and verdict.passed_cases == 0
    assert verdict.reason in reasons  # the frame was rejected whole, not half-read


# -- code that does not run at all, or runs too deep -------------------------------------------
def test_syntax_error():
    src = grading.fill(lstm(), RIGHT).replace("h = output_gate", "h = = output_gate")
    verdict = hostile(src, reasons={"load"})
    assert "SyntaxError" in verdict.error and "line" in verdict.error


@pytest.mark.parametrize("limit, reasons", [(None, {"error"}), (10**6, {"no_result", "error", "memory"})])
def test_deep_recursion(limit, reasons):
    prelude = f"""
        import sys
        if {limit!r}:
            sys.setrecursionlimit({limit!r})
        class Deep:
            def __repr__(self):
                return repr(Deep()) + "."
        def dive(a):
            return repr(Deep())
    """
    verdict = hostile(source("dive(a)", prelude), reasons=reasons)
    if reasons == {"error"}:
        assert "RecursionError" in errors(verdict)


# -- processes -------------------------------------------------------------------------------------
def _host_processes():
    """How many live processes descend from this test process (boxes, their workers and whatever
    they fork): the machine's other processes come and go and must not count."""
    children = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    fields = f.read().rpartition(")")[2].split()
            except OSError:  # it ended while we looked
                continue
            if fields[0] not in ("Z", "X"):
                children.setdefault(int(fields[1]), []).append(int(p))
    count, todo = 0, [os.getpid()]
    while todo:
        kids = children.get(todo.pop(), [])
        count += len(kids)
        todo += kids
    return count


class _Watcher(threading.Thread):
    """Samples the host's /proc while the box runs: our descendants' count, and processes by a token."""

    def __init__(self, token=None):
        super().__init__(daemon=True)
        self.token = token.encode() if token else None
        self.stop = threading.Event()
        self.peak = 0
        self.seen = 0

    def matching(self):
        found = []
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/cmdline", "rb") as f:
                        if self.token in f.read():
                            found.append(int(p))
                except OSError:
                    pass
        return found

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, _host_processes())
            if self.token and self.matching():
                self.seen += 1
            time.sleep(0.01)


@needs_namespaces
def test_a_fork_bomb_is_capped_and_gone_after_the_verdict():
    prelude = """
        import os
        def bomb(a):
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
    """
    before = _host_processes()
    watcher = _Watcher()
    watcher.start()
    try:
        hostile(source("bomb(a)", prelude), FAST, {"cpu", "timeout", "no_result"})
    finally:
        watcher.stop.set()
        watcher.join()
    assert watcher.peak - before < 400, f"the bomb reached {watcher.peak - before} processes"
    deadline = time.monotonic() + 2
    while _host_processes() > before + 5:
        assert time.monotonic() < deadline, "processes of the bomb outlived the verdict"
        time.sleep(0.05)


@needs_namespaces
def test_a_daemon_does_not_outlive_the_run():
    token = f"rabbit-daemon-{uuid.uuid4().hex}"
    prelude = f"""
        import os, sys, time
        try:
            child = os.fork()
        except OSError:  # a box may hold one process only (see quiz/grading/seccomp.py)
            child = -1
            print("no child processes")
        if child == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time\\nwhile True: time.sleep(0.05)", "{token}"])
            os._exit(0)

        def daemon_running():
            for p in os.listdir("/proc"):
                try:
                    with open(f"/proc/{{p}}/cmdline", "rb") as f:
                        if b"{token}" in f.read():
                            return True
                except OSError:
                    pass
            return False

        deadline = time.monotonic() + 10
        while child > 0 and not daemon_running() and time.monotonic() < deadline:
            time.sleep(0.02)
        print("daemon running:", daemon_running())
    """
    verdict = hostile(source(WRONG, prelude), reasons={"mismatch"})
    assert "daemon running: True" in verdict.output or "no child processes" in verdict.output, \
        "the daemon never started, so this test proves nothing"
    assert _Watcher(token).matching() == [], "the daemon outlived the verdict"


@needs_namespaces
def test_a_thread_bomb_is_capped():
    prelude = """
        import threading, time
        def threads(a):
            for _ in range(100000):
                threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
    """
    verdict = hostile(source("threads(a)", prelude), FAST, {"error", "memory", "no_result", "timeout", "cpu"})
    if verdict.failed and verdict.failed[0].reason == "error":
        assert "thread" in verdict.failed[0].error.lower()


@needs_namespaces
def test_signalling_the_parent_and_every_visible_process():
    # the code checks it is PID 1 of a namespace of its own before it kills anything, so that a
    # broken isolation fails this test instead of killing every process of the machine
    prelude = """
        import os, signal, time
        print("pid", os.getpid(), "ppid", os.getppid())
        if os.getpid() == 1:
            try:
                if os.fork() == 0:  # something in the box for kill(-1) to reach
                    time.sleep(30)
                    os._exit(0)
            except OSError:
                pass  # a box may hold one process only (see quiz/grading/seccomp.py)
            visible = [int(p) for p in os.listdir("/proc") if p.isdigit()]
            for target in [os.getppid(), -1] + visible:
                try:
                    os.kill(target, signal.SIGKILL)
                    print("sent", target)
                except OSError as e:
                    print("refused", target, e)
    """
    verdict = hostile(source(WRONG, prelude), reasons={"mismatch", "no_result"})
    assert "pid 1 ppid 0" in verdict.output
    assert "sent -1" in verdict.output or "refused -1 [Errno 3]" in verdict.output  # ESRCH: no other process to reach
    # this process survived (we are still here), and grader_alive checks the worker


@needs_namespaces
def test_opening_a_network_connection():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    prelude = f"""
        import socket
        for family, address in ((socket.AF_INET, ("127.0.0.1", {port})), (socket.AF_INET6, ("::1", {port}))):
            try:
                socket.create_connection(address, timeout=2).close()
                print("CONNECTED", address)
            except OSError as e:
                print("no network:", address, e)
    """
    try:
        verdict = hostile(source(WRONG, prelude), reasons={"mismatch"})
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever arrived
    finally:
        listener.close()
    assert "CONNECTED" not in verdict.output
    assert "no network: ('127.0.0.1'" in verdict.output


# -- files -----------------------------------------------------------------------------------------
def _fingerprint(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(directory).glob("rabbit.db*"))}


@needs_namespaces
def test_writing_to_the_score_database(attempt_log):
    home = attempt_log.parent
    before = _fingerprint(home)
    prelude = f"""
        import os, sqlite3
        db = {str(attempt_log)!r}
        for attempt in (
            lambda: sqlite3.connect(db).execute("INSERT INTO attempts (uid, item_id, kind, correct, answered_at) "
                                                "VALUES ('x', 'd3.s2.lstm', 'exercise', 1, 'now')").connection.commit(),
            lambda: open(db, "ab").write(b"junk"),
            lambda: os.unlink(db),
            lambda: open(os.path.join({str(home)!r}, "planted"), "w"),
        ):
            try:
                attempt()
                print("WROTE")
            except Exception as e:
                print("refused:", type(e).__name__, e)
    """
    verdict = hostile(source(WRONG, prelude), reasons={"mismatch"})
    assert "WROTE" not in verdict.output
    assert verdict.output.count("refused:") == 4
    assert _fingerprint(home) == before
    assert not (home / "planted").exists()


def _reference_copies():
    root = Path(__file__).resolve().parent.parent
    candidates = {resources.solutions_dir(), root / "solutions", Path(quiz.__file__).resolve().parent / "_data" / "solutions"}
    return sorted(str(p) for p in candidates if (p / "lstm.py").is_file())


@needs_namespaces
def test_reading_the_reference_engine():
    copies = _reference_copies()
    assert copies, "no copy of the reference engine on this machine to try"
    # with any copy readable, this submission would return the reference's own values and pass
    prelude = f"""
        import importlib, importlib.util, os, sys
        REFERENCE = None
        for root in {copies!r}:
            try:
                open(os.path.join(root, "lstm.py")).read()
            except OSError as e:
                print("cannot read", root, type(e).__name__)
                continue
            print("READ", root)
            spec = importlib.util.spec_from_file_location("stolen", os.path.join(root, "__init__.py"),
                                                          submodule_search_locations=[root])
            module = importlib.util.module_from_spec(spec)
            sys.modules["stolen"] = module
            spec.loader.exec_module(module)
            REFERENCE = importlib.import_module("stolen.lstm").lstm
            break
        _lstm = None
    """
    src = source(WRONG, prelude) + textwrap.dedent("""
        _lstm = lstm
        def lstm(*args):
            return REFERENCE(*args) if REFERENCE else _lstm(*args)
    """)
    verdict = hostile(src, reasons={"mismatch"})
    assert "READ" not in verdict.output
    assert verdict.output.count("cannot read") == len(copies)


@needs_namespaces
def test_reading_the_expected_values_from_the_case_cache():
    grading.grade(lstm(), grading.fill(lstm(), WRONG))  # the cache now holds the expected values
    cache = Path(os.environ["RABBIT_HOME"]) / "cache"
    assert list(cache.glob("cases-lstm-*.npz")), "no case cache to try"
    prelude = f"""
        import glob, numpy
        EXPECTED, CALLS = None, [0]
        found = glob.glob({str(cache)!r} + "/cases-lstm-*.npz")
        print("cache files seen:", len(found))
        if found:
            EXPECTED = numpy.load(found[0])
    """
    src = source(WRONG, prelude) + textwrap.dedent("""
        _lstm = lstm
        def lstm(*args):
            if EXPECTED is None:
                return _lstm(*args)
            i = CALLS[0]; CALLS[0] += 1
            return EXPECTED[f"e{i}.r0"], EXPECTED[f"e{i}.r1"]
    """)
    verdict = hostile(src, reasons={"mismatch"})
    assert "cache files seen: 0" in verdict.output


@needs_namespaces
def test_tampering_with_the_grader_code_or_site_packages():
    targets = [str(Path(grading.__file__).resolve()), os.path.join(sysconfig.get_paths()["purelib"], "zz_rabbit_pwned.pth")]
    before = Path(targets[0]).read_bytes()
    prelude = f"""
        for path in {targets!r}:
            try:
                with open(path, "a") as f:
                    f.write("\\nimport os; os.environ['PWNED'] = '1'\\n")
                print("WROTE", path)
            except OSError as e:
                print("refused:", path, type(e).__name__)
    """
    verdict = hostile(source(WRONG, prelude), reasons={"mismatch"})
    assert "WROTE" not in verdict.output
    assert Path(targets[0]).read_bytes() == before
    assert not os.path.exists(targets[1])


@needs_namespaces
def test_filling_the_disk_stops_at_the_box_s_own_small_tmpfs():
    prelude = """
        import os
        def fill(a):
            for i in range(200):
                with open(f"f{i}", "wb") as f:
                    f.write(b"x" * (1024**2 - 1))
    """
    verdict = hostile(source("fill(a)", prelude), reasons={"error"})
    assert "No space left" in verdict.failed[0].error


@needs_namespaces
@pytest.mark.parametrize("mode", ["warm"], indirect=True)
def test_talking_to_the_warm_worker_from_inside_a_box(mode):
    path = box.socket_path()
    prelude = f"""
        import json, socket, struct
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect({path!r})
            head = json.dumps({{"stop": True}}).encode()
            s.sendall(struct.pack("<II", len(head), 0) + head)
            print("SENT stop")
        except OSError as e:
            print("cannot reach the worker:", type(e).__name__)
    """
    verdict = hostile(source(WRONG, prelude), reasons={"mismatch"})
    assert "SENT" not in verdict.output
    # grader_alive checks the warm worker still answers


# -- through the command line: the attempt log records the failure and stays readable --------------
def _rows(db):
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT item_id, correct FROM attempts ORDER BY id").fetchall()
    finally:
        conn.close()


def _submit(rabbit_exe, path):
    start = time.monotonic()
    out = subprocess.run([str(rabbit_exe), "submit", "lstm", "--file", str(path), "--json"],
                         capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < DEADLINE + 2
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    return out


@pytest.mark.parametrize("name, prelude, answer", [
    ("exit-at-import", "import sys\nsys.exit(0)\n", RIGHT),
    ("hard-exit-at-call", "import os\ndef leave(a):\n    os._exit(0)\n", "leave(a)"),
    ("infinite-loop", "", "[0 for _ in iter(int, 1)]"),
])
def test_hostile_submissions_through_rabbit_submit(name, prelude, answer, attempt_log, rabbit_exe, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(source(answer, prelude), encoding="utf-8")
    _submit(rabbit_exe, path)
    assert _rows(attempt_log) == [("d3.s1.before", 1), (lstm().id, 0)]


@needs_namespaces
def test_writing_the_database_through_rabbit_submit(attempt_log, rabbit_exe, tmp_path):
    path = tmp_path / "db-writer.py"
    path.write_text(source(WRONG, f"""
        import sqlite3
        try:
            db = sqlite3.connect({str(attempt_log)!r})
            for _ in range(3):
                db.execute("INSERT INTO attempts (uid, item_id, kind, correct, answered_at) "
                           "VALUES (hex(randomblob(8)), 'd3.s2.lstm', 'exercise', 1, 'now')")
            db.commit()
        except Exception as e:
            print("refused:", e)
    """), encoding="utf-8")
    out = _submit(rabbit_exe, path)
    assert "refused:" in out.stdout
    assert _rows(attempt_log) == [("d3.s1.before", 1), (lstm().id, 0)]


@needs_namespaces
def test_killing_everything_through_rabbit_submit(attempt_log, rabbit_exe, tmp_path):
    path = tmp_path / "killer.py"
    path.write_text(source(WRONG, """
        import os, signal
        if os.getpid() == 1:  # only inside a PID namespace of its own (see above)
            for target in [os.getppid(), -1] + [int(p) for p in os.listdir("/proc") if p.isdigit()]:
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
    """), encoding="utf-8")
    _submit(rabbit_exe, path)
    assert _rows(attempt_log) == [("d3.s1.before", 1), (lstm().id, 0)]


@needs_namespaces
@pytest.mark.parametrize("mode", ["cold"], indirect=True)
def test_two_boxes_graded_side_by_side_cannot_talk(mode):
    """rabbit grade runs boxes at once: one listens on an abstract socket, the other tries to reach it."""
    name = f"rabbit-collude-{uuid.uuid4().hex}"
    listener = source(WRONG, f"""
        import socket
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("\\0{name}")
        s.listen(1)
        s.settimeout(3)
        try:
            s.accept()
            print("A PEER ARRIVED")
        except OSError as e:
            print("nobody came:", type(e).__name__)
    """)
    talker = source(WRONG, f"""
        import socket, time
        deadline = time.monotonic() + 2.5  # keeps trying while the listener listens (3 s)
        while True:
            try:
                socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect("\\0{name}")
                print("REACHED THE OTHER BOX")
                break
            except OSError as e:
                if time.monotonic() > deadline:
                    print("cannot reach:", type(e).__name__)
                    break
                time.sleep(0.05)
    """)
    with box.private_worker(2) as path:
        assert path is not None
        results = {}
        threads = [threading.Thread(target=lambda k, s: results.__setitem__(k, grading.grade(lstm(), s, worker=path)),
                                    args=(k, s)) for k, s in (("listener", listener), ("talker", talker))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert "nobody came" in results["listener"].output and "A PEER" not in results["listener"].output
    assert "cannot reach" in results["talker"].output
    assert all(not v.passed and v.isolation == "namespaces" for v in results.values())
