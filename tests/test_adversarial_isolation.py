"""Boxes learn nothing from each other: not from memory they inherit, not through kernel objects
they share, and not from rabbit's own paths and settings.

Each test plants something in one box (a secret in its source, a lock, a key, a socket, a file)
and has another box, graded beside it or after it by the same worker, look for it.
"""

import fcntl
import os
import re
import struct
import sys
import textwrap
import threading
import time
import uuid

import pytest

from quiz import grading
from quiz.grading import box
from quiz.exercises import load_all

RIGHT = "input_gate * a + forget_gate * prev_c"
WRONG = "output_gate * a + forget_gate * prev_c"
ISOLATION = box.isolation_report()
NAMESPACES = bool(ISOLATION.get("active"))
needs_namespaces = pytest.mark.skipif(
    not NAMESPACES, reason=f"needs unprivileged user namespaces: {ISOLATION.get('detail') or ISOLATION.get('error')}")


def lstm():
    return load_all()["lstm"]


def source(answer, prelude=""):
    return textwrap.dedent(prelude) + "\n" + grading.fill(lstm(), answer)


def grade(src, worker=None, limits=box.Limits()):
    return grading.grade(lstm(), src, worker=worker, limits=limits)


def side_by_side(first, second, worker):
    """Grade two sources at once on `worker` (a private worker with two acceptors)."""
    results = {}
    threads = [threading.Thread(target=lambda k, s: results.__setitem__(k, grade(s, worker)), args=(k, s))
               for k, s in (("first", first), ("second", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results["first"], results["second"]


# -- class 1: a box inherits nothing of earlier submissions ---------------------------------------
MARK = "RBT" + "SECRET-"  # split, so that this file's own text is no match for the scan below

SCANNER = """
import re
def _scan():
    found = set()
    pattern = re.compile(rb"RBT" rb"SECRET-([0-9a-f]{32})")
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", buffering=0) as mem:
        for line in maps.read().splitlines():
            addresses, perms = line.split()[:2]
            if perms[0] != "r" or line.endswith(("[vvar]", "[vsyscall]", "[vvar_vclock]")):
                continue
            lo, hi = (int(x, 16) for x in addresses.split("-"))
            at = lo
            while at < hi:
                size = min(1 << 22, hi - at)
                try:
                    mem.seek(at)
                    chunk = mem.read(size + 64 if at + size < hi else size)
                except (OSError, ValueError, OverflowError):
                    break
                found.update(m.group(1).decode() for m in pattern.finditer(chunk))
                at += size
    print("FOUND", sorted(found))
_scan()
"""


def _secret_source():
    token = uuid.uuid4().hex
    return token, source(RIGHT, f"# {MARK}{token}\nKEPT = '{MARK}{token}'\n")


def _found(verdict):
    line = next((l for l in verdict.output.splitlines() if l.startswith("FOUND")), None)
    assert line is not None, f"the scan did not finish: {verdict.output!r} {verdict}"
    return set(re.findall(r"[0-9a-f]{32}", line))


def _no_secret_after(worker, rounds=3) -> tuple[str, list]:
    """Grade a submission holding a secret, then `rounds` scanners: the secret and what each scanner found."""
    token, planted = _secret_source()
    assert grade(planted, worker).passed
    found = []
    for _ in range(rounds):
        verdict = grade(source(WRONG, SCANNER), worker, box.Limits(cpu_seconds=6, wall_seconds=10))
        assert not verdict.passed
        found.append(_found(verdict))
    return token, found


def test_the_scan_finds_a_secret_that_is_in_its_own_box(warm_worker):
    """The control for the two tests below: the scan does read the box's memory, so finding
    nothing there means there was nothing to find."""
    token = uuid.uuid4().hex
    verdict = grade(source(WRONG, f"KEPT = '{MARK}{token}'\n" + SCANNER), warm_worker,
                    box.Limits(cpu_seconds=6, wall_seconds=10))
    assert token in _found(verdict)


def test_the_warm_worker_s_next_box_holds_nothing_of_the_last_submission(warm_worker):
    token, found = _no_secret_after(warm_worker)
    assert len(found) == 3 and not any(token in f for f in found), "a box read an earlier submission's source"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_grade_worker_s_next_box_holds_nothing_of_the_last_submission(jobs):
    with box.private_worker(jobs) as path:
        assert path is not None
        token, found = _no_secret_after(path, rounds=2 * jobs + 1)
        assert not any(token in f for f in found), "a box read an earlier submission's source"


# -- class 2: no kernel object carries data from one box to another -----------------------------
# Each channel: `send(token, hold)` leaves the token somewhere, holding it for `hold` seconds;
# `receive(name)` looks for it for up to `wait` seconds. Both print what happened, never raise.
HOLD = 3.0
LOCK_BASE = 1 << 40  # lock offsets far past the end of the file

CHANNELS = {
    "record lock": f"""
        import fcntl, os, struct, time
        def _flock(kind, start, length):
            return struct.pack("hhqqi4x", kind, 0, start, length, 0)
        def send(token, hold):
            fd = os.open("/etc/os-release", os.O_RDONLY)
            fcntl.fcntl(fd, fcntl.F_SETLK, _flock(fcntl.F_RDLCK, {LOCK_BASE} + int(token[:6], 16), 1))
            return fd
        def receive(token, wait):
            fd = os.open("/etc/os-release", os.O_RDONLY)
            end = time.monotonic() + wait
            while True:
                got = fcntl.fcntl(fd, fcntl.F_GETLK, _flock(fcntl.F_WRLCK, {LOCK_BASE}, 1 << 24))
                kind, _, start = struct.unpack("hhqqi4x", got)[:3]
                if kind != fcntl.F_UNLCK:
                    return "%06x" % (start - {LOCK_BASE})
                if time.monotonic() > end:
                    return None
                time.sleep(0.02)
    """,
    "user keyring": """
        import ctypes, platform, time
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
        _ADD, _KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}[platform.machine()]
        def send(token, hold):
            for ring in (-4, -3, -5):  # user, session, user session keyrings
                _libc.syscall(_ADD, b"user", b"rabbit-collude", token.encode(), 32, ring)
        def receive(token, wait):
            end = time.monotonic() + wait
            while True:
                for ring in (-4, -3, -5):
                    key = _libc.syscall(_KEYCTL, 10, ring, b"user", b"rabbit-collude", 0)  # KEYCTL_SEARCH
                    if key > 0:
                        buf = ctypes.create_string_buffer(64)
                        n = _libc.syscall(_KEYCTL, 11, ctypes.c_long(key), buf, 64)  # KEYCTL_READ
                        return buf.raw[:max(0, min(n, 64))].decode(errors="replace")
                if time.monotonic() > end:
                    return None
                time.sleep(0.02)
    """,
    "SysV IPC": """
        import ctypes, struct, time
        _libc = ctypes.CDLL(None, use_errno=True)
        _KEY = 0x52424954
        def send(token, hold):
            q = _libc.msgget(_KEY, 0o1600)  # IPC_CREAT | 0600
            if q < 0:
                raise OSError(ctypes.get_errno(), "msgget")
            message = struct.pack("l", 1) + token.encode()
            _libc.msgsnd(q, message, len(token), 0o4000)  # IPC_NOWAIT
        def receive(token, wait):
            end = time.monotonic() + wait
            while True:
                q = _libc.msgget(_KEY, 0)
                if q >= 0:
                    buf = ctypes.create_string_buffer(64)
                    n = _libc.msgrcv(q, buf, 56, 0, 0o4000)
                    return buf.raw[8:8 + max(n, 0)].decode(errors="replace")
                if time.monotonic() > end:
                    return None
                time.sleep(0.02)
    """,
    "files in /dev/shm, /tmp and the working directory's parent": """
        import glob, os, time
        _PLACES = ("/dev/shm", "/tmp", "/var/tmp", os.path.dirname(os.getcwd()))
        def send(token, hold):
            for place in _PLACES:
                try:
                    with open(os.path.join(place, "rabbit-collude-" + token), "w") as f:
                        f.write(token)
                except OSError:
                    pass
        def receive(token, wait):
            end = time.monotonic() + wait
            while True:
                for place in _PLACES:
                    for path in glob.glob(os.path.join(place, "*", "rabbit-collude-*")) + glob.glob(os.path.join(place, "rabbit-collude-*")):
                        return path.rsplit("-", 1)[1]
                if time.monotonic() > end:
                    return None
                time.sleep(0.02)
    """,
}

_SENDER = """
import time
try:
    _kept = send(TOKEN, HOLD)
    print("SENT")
except OSError as e:
    print("could not send:", type(e).__name__)
_end = time.monotonic() + HOLD
while time.monotonic() < _end:
    time.sleep(0.02)
"""
_RECEIVER = """
try:
    print("GOT", receive(TOKEN, WAIT))
except OSError as e:
    print("could not receive:", type(e).__name__)
"""


def _sender(channel, token, hold):
    return source(WRONG, textwrap.dedent(CHANNELS[channel]) + f"\nTOKEN = {token!r}\nHOLD = {hold}\n" + _SENDER)


def _receiver(channel, wait):
    # the receiver knows the channel, not the token: it must find the sender's
    return source(WRONG, textwrap.dedent(CHANNELS[channel]) + f"\nTOKEN = '000000'\nWAIT = {wait}\n" + _RECEIVER)


def _got(verdict):
    line = next((l for l in verdict.output.splitlines() if l.startswith(("GOT", "could not receive"))), None)
    assert line is not None, f"the receiver did not run: {verdict.output!r} {verdict.error}"
    return line


SLOW = box.Limits(cpu_seconds=6, wall_seconds=10)


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_two_boxes_side_by_side_share_no_kernel_object(channel):
    token = uuid.uuid4().hex[:6]
    with box.private_worker(2) as path:
        assert path is not None
        sender, receiver = _sender(channel, token, HOLD), _receiver(channel, HOLD)
        results = {}

        def run(key, src):
            results[key] = grading.grade(lstm(), src, worker=path, limits=SLOW)

        threads = [threading.Thread(target=run, args=("sender", sender)),
                   threading.Thread(target=run, args=("receiver", receiver))]
        for t in threads:
            t.start()
        host = _host_sees_lock() if channel == "record lock" else None
        for t in threads:
            t.join()
    assert token not in _got(results["receiver"]), f"a box read another box's {channel}"
    assert host is None, f"a host process read a box's lock: {host}"
    assert all(not v.passed for v in results.values())
    if NAMESPACES:
        assert all(v.isolation == "namespaces" for v in results.values())


def _host_sees_lock():
    """While the sender box holds its lock (if it could take one): what an ordinary host process sees."""
    fd = os.open("/etc/os-release", os.O_RDONLY)
    try:
        end = time.monotonic() + HOLD
        while time.monotonic() < end:
            got = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, LOCK_BASE, 1 << 24, 0))
            kind, _, start = struct.unpack("hhqqi4x", got)[:3]
            if kind != fcntl.F_UNLCK:
                return "%06x" % (start - LOCK_BASE)
            time.sleep(0.02)
        return None
    finally:
        os.close(fd)


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize("where", ["warm", "grade"])
def test_a_later_box_finds_nothing_an_earlier_one_left(channel, where, request):
    token = uuid.uuid4().hex[:6]
    if where == "warm":
        worker = request.getfixturevalue("warm_worker")
        results = [grade(_sender(channel, token, 0), worker), grade(_receiver(channel, 0), worker)]
    else:
        with box.private_worker(1) as worker:
            assert worker is not None
            results = [grade(_sender(channel, token, 0), worker), grade(_receiver(channel, 0), worker)]
    assert token not in _got(results[1]), f"a later box read an earlier box's {channel}"
    assert not any(v.passed for v in results)


# -- class 7: without namespaces ----------------------------------------------------------------
@pytest.fixture
def unisolated(monkeypatch):
    monkeypatch.setenv("RABBIT_ISOLATION", "off")


PEEK = """
import os
def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().replace(b"\\0", b" ").replace(b"\\n", b" ").decode(errors="replace")
    except OSError as e:
        return type(e).__name__
def _link(path):
    try:
        return os.readlink(path)
    except OSError as e:
        return type(e).__name__
_seen = {"own cmdline": _read("/proc/self/cmdline"), "own environ": _read("/proc/self/environ"),
         "parent cmdline": _read("/proc/%d/cmdline" % os.getppid()), "cwd": os.getcwd(),
         "parent cwd": _link("/proc/%d/cwd" % os.getppid())}
for _k, _v in _seen.items():
    print("PEEK", _k, ":", _v)
"""


def _rabbit_paths():
    from quiz import home, resources

    here = os.path.dirname(os.path.dirname(os.path.abspath(box.__file__)))  # the quiz package
    return [str(home.rabbit_home()), str(resources.solutions_dir()), here, "RABBIT_"]


@pytest.mark.parametrize("mode", ["cold", "warm", "grade"])
def test_a_box_s_command_line_and_environment_name_nothing_of_rabbit_s(mode, unisolated, request):
    worker = request.getfixturevalue("warm_worker") if mode == "warm" else None
    src = source(WRONG, PEEK)
    if mode == "grade":
        with box.private_worker(1) as path:
            verdict = grade(src, path)
    else:
        verdict = grade(src, worker)
    seen = [l for l in verdict.output.splitlines() if l.startswith("PEEK")]
    assert len(seen) == 5, verdict.output
    assert verdict.isolation.startswith("rlimits")
    for line in seen:
        for path in _rabbit_paths():
            assert path not in line, f"a box can read {path!r}: {line}"


DAEMON = """
import os, sys
try:
    _child = os.fork()
except OSError:  # no child processes in a box (see quiz/grading/seccomp.py): nothing to outlive it
    _child = -1
    print("DAEMON STARTED? no: could not fork")
if _child == 0:
    os.setsid()
    if os.fork() == 0:
        os.setsid()
        os.execv(sys.executable, [sys.executable, "-c", "import time\\nwhile True: time.sleep(0.05)", TOKEN])
    os._exit(0)
with open("/proc/self/stat") as _f:
    pass
_end = __import__("time").monotonic() + 3
while __import__("time").monotonic() < _end and not any(
        TOKEN.encode() in open("/proc/%s/cmdline" % p, "rb").read() for p in os.listdir("/proc") if p.isdigit()
        and os.path.exists("/proc/%s/cmdline" % p)):
    pass
if _child > 0:
    print("DAEMON STARTED")
"""


def _running(token):
    found = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    if token.encode() in f.read():
                        found.append(int(p))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("mode", ["cold", "warm", "grade"])
def test_without_namespaces_a_setsid_daemon_dies_with_its_box(mode, unisolated, request):
    token = f"rabbit-daemon-{uuid.uuid4().hex}"
    src = source(WRONG, f"TOKEN = {token!r}\n" + DAEMON)
    try:
        if mode == "grade":
            with box.private_worker(1) as path:
                verdict = grade(src, path)
                left = _running(token)
        else:
            verdict = grade(src, request.getfixturevalue("warm_worker") if mode == "warm" else None)
            left = _running(token)
        assert "DAEMON STARTED" in verdict.output, verdict.output  # or the box could not fork at all
        assert left == [], "the daemon outlived its box"
    finally:
        for pid in _running(token):
            os.kill(pid, 9)


ZEROS = """
import numpy as np
def lstm(x, prev_h, prev_c, W, U, b):
    return np.zeros_like(prev_c), np.zeros_like(prev_c)
"""


def _forge_cache_files():
    """What a box running as the learner could do to the case cache: every expected value zero."""
    import io
    from pathlib import Path

    import numpy as np

    files = sorted((Path(os.environ["RABBIT_HOME"]) / "cache").glob("cases-lstm-*.npz"))
    assert files, "the first grade wrote no case cache"
    for path in files:
        data = path.read_bytes()
        start = data.find(b"PK\x03\x04")
        with np.load(io.BytesIO(data[start:]), allow_pickle=False) as npz:
            arrays = {k: (np.zeros_like(npz[k]) if k.startswith("e") else npz[k]) for k in npz.files}
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        yield path, data[:start], buf.getvalue()


@pytest.mark.parametrize("keep_tag", [False, True])
def test_a_rewritten_case_cache_is_not_trusted(keep_tag):
    assert not grade(source(WRONG)).passed  # the cache now holds the expected values
    for path, prefix, forged in _forge_cache_files():
        path.write_bytes((prefix if keep_tag else b"") + forged)
    verdict = grade(ZEROS)
    assert not verdict.passed, "a forged case cache made a wrong answer pass"
    assert grade(source(RIGHT)).passed


# -- class 8: the memory of a box's processes together ------------------------------------------
CHILD_MB = 300

MANY = f"""
import os
_held = 0
_pipes = []
for _ in range(8):
    r, w = os.pipe()
    try:
        pid = os.fork()
    except OSError as e:
        print("fork failed:", type(e).__name__)
        os.close(r)
        os.close(w)
        break
    if pid == 0:
        os.close(r)
        block = bytearray({CHILD_MB} * 1024 * 1024)
        for i in range(0, len(block), 4096):
            block[i] = 1  # touched: resident, not just reserved
        os.write(w, b"1")
        os.read(os.open("/dev/zero", os.O_RDONLY), 1) and __import__("time").sleep(2)
        os._exit(0)
    os.close(w)
    _pipes.append(r)
for r in _pipes:
    if os.read(r, 1) == b"1":
        _held += 1
print("HELD", _held)
"""


def test_the_processes_of_one_box_share_one_memory_budget():
    limits = box.Limits(wall_seconds=10, cpu_seconds=6)
    verdict = grade(source(WRONG, MANY), limits=limits)
    line = next((l for l in verdict.output.splitlines() if l.startswith("HELD")), None)
    assert line is not None, verdict.output
    held = int(line.split()[1])
    assert held * CHILD_MB * 1024**2 <= box.memory_budget(limits) - limits.address_space, \
        f"{held} children held {held * CHILD_MB} MiB beside a parent allowed {limits.address_space >> 20} MiB"


def test_the_reaper_kills_a_detached_daemon_of_its_subtree(tmp_path):
    """The mechanism behind the box's end, where a box may start processes: a subreaper kills
    every descendant, whatever it did with sessions and process groups."""
    import subprocess

    token = f"rabbit-reaped-{uuid.uuid4().hex}"
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(box.__file__))))!r})
        from quiz.grading import reaper
        assert reaper.become_subreaper()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.setsid()
                os.execv(sys.executable, [sys.executable, "-c", "import time\\nwhile True: time.sleep(0.05)", {token!r}])
            os._exit(0)
        os.wait()
        end = time.monotonic() + 10
        while not any({token!r}.encode() in open(f"/proc/{{p}}/cmdline", "rb").read()
                      for p in os.listdir("/proc") if p.isdigit() and os.path.exists(f"/proc/{{p}}/cmdline")):
            assert time.monotonic() < end
        print("detached", flush=True)
        reaper.kill_descendants(False)
        print("reaped", flush=True)
    """)
    try:
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert "detached" in out.stdout and "reaped" in out.stdout, out.stderr
        assert _running(token) == []
    finally:
        for pid in _running(token):
            os.kill(pid, 9)


def _rabbit(args, **env):
    import subprocess

    full = dict(os.environ, RABBIT_LANG="en", **env)
    return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True, env=full, timeout=120)


def test_rabbit_grade_refuses_to_run_unisolated_without_the_instructor_s_flag(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "alice.py").write_text(source(RIGHT), encoding="utf-8")
    refused = _rabbit(["grade", str(tmp_path / "class"), "-e", "lstm"], RABBIT_ISOLATION="off")
    assert refused.returncode == 2, refused
    assert "--allow-unisolated" in refused.stderr and "Traceback" not in refused.stderr
    assert "alice" not in refused.stdout
    allowed = _rabbit(["grade", str(tmp_path / "class"), "-e", "lstm", "--allow-unisolated", "--json"],
                      RABBIT_ISOLATION="off")
    assert allowed.returncode == 0, allowed.stderr
    assert '"passed": true' in allowed.stdout
    helptext = _rabbit(["grade", "--help"]).stdout
    assert "--allow-unisolated" in helptext and "only resource limits" in " ".join(helptext.split()).lower()


@pytest.mark.parametrize("setting", ["auto", "off"])
def test_doctor_states_the_caps_that_really_hold(setting):
    import json

    data = json.loads(_rabbit(["doctor", "--json"], RABBIT_ISOLATION=setting).stdout)
    limits = data["isolation"]["limits"]
    text = _rabbit(["doctor"], RABBIT_ISOLATION=setting).stdout
    if os.geteuid() == 0:  # RLIMIT_NPROC binds nobody running as root
        assert limits["process_cap"]["by"] != "RLIMIT_NPROC"
        assert "RLIMIT_NPROC only" not in text and "RLIMIT_NPROC 64" not in text
    if data["isolation"]["active"]:
        assert limits["process_cap"] == {"by": "pid_max", "value": 301}
    # the memory bound it states is what the box test above measures
    assert limits["children"] is False and limits["memory"]["by"] == "one process"
    assert limits["memory"]["budget"] == box.memory_budget(box.Limits())
    assert "at most 2 GiB per box" in text
    assert "file locks / keyrings: denied / denied" in text


@pytest.mark.parametrize("mode", ["cold", "warm"])
def test_without_namespaces_a_box_signals_nobody_and_reaches_no_unix_socket(mode, unisolated, request):
    worker = request.getfixturevalue("warm_worker") if mode == "warm" else None
    target = worker or "@rabbit-nothing-here"
    prelude = f"""
        import os, socket
        for _pid in (os.getppid(), {os.getpid()}, -1):
            try:
                os.kill(_pid, 0)  # signal 0: only asks whether a signal could be sent
                print("COULD SIGNAL", _pid)
            except OSError as e:
                print("no signal to", _pid, type(e).__name__)
        try:
            _s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            _s.connect({target!r}.replace("@", "\\0", 1))
            print("REACHED", {target!r})
        except OSError as e:
            print("no unix socket:", type(e).__name__)
    """
    verdict = grade(source(WRONG, prelude), worker)
    assert verdict.isolation.startswith("rlimits")
    assert "COULD SIGNAL" not in verdict.output and verdict.output.count("no signal to") == 3, verdict.output
    assert "REACHED" not in verdict.output and "no unix socket: PermissionError" in verdict.output
    if worker:
        assert box.ping(worker) is not None
