"""Whatever a box sends back decodes to a verdict, quickly, and shows only as harmless text.

Attacks that a submission can mount are run as real submissions through `rabbit submit` (cold
and warm) and `rabbit grade` (table, JSON, CSV). Frames a submission could only write by hand
(a flipped compression method, hundreds of thousands of directory entries, a status nested
200,000 deep, a reply header that is not what a worker writes) are crafted here and handed to
grading through the box's two transports (the warm worker's socket, the cold worker's pipe) or
straight to the result decoder.
"""

import dataclasses
import io
import json
import os
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
import unicodedata
import uuid
import warnings
import zipfile
import zlib
from contextlib import contextmanager, nullcontext

import numpy as np
import pytest

from quiz import grading
from quiz.grading import batch, box, casecache, freshcases, grader, launch, npyio, safetext
from quiz.grading.result import GarbledFrame, read_result
from quiz.exercises import load_all

LSTM = load_all()["lstm"]
RIGHT = "input_gate * a + forget_gate * prev_c"
WRONG = "output_gate * a + forget_gate * prev_c"

# what a hostile message carries: cursor up + erase line + a fake passing row, OSC 52 (set the
# clipboard), a bidi override, a C1 CSI, a zero-width space and a lone surrogate
REPAINT = "\\x1b[1A\\r\\x1b[2Kalice.py  \\u2714  5/5"
OSC52 = "\\x1b]52;c;cm0gLXJmIH4=\\x07"
BIDI = "\\u202egnp.exe\\u202c\\u2066x\\u2069"
C1 = "\\x9b2J\\u200b"
SURROGATE = "\\ud800"


def unsafe(text: str) -> list[str]:
    """The characters of `text` that a terminal could act on (newline is fine)."""
    return sorted({ch for ch in text if ch != "\n" and not ch.isprintable() and unicodedata.category(ch) != "Zs"})


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def strict_json(text: str):
    def no_constant(name):
        raise ValueError(f"not strict JSON: {name}")
    return json.loads(text, parse_constant=no_constant)


def source(answer: str, prelude: str = "") -> str:
    return textwrap.dedent(prelude) + "\n" + grading.fill(LSTM, answer)


def raising(message: str, printed: str = "") -> str:
    """A submission whose function prints `printed` and raises RuntimeError(`message`)."""
    return source("boom(a)", f"""
        def boom(a):
            print("{printed}", flush=True)
            raise RuntimeError("{message}")
    """)


# -- submissions through rabbit submit, cold and warm ------------------------------------------
@pytest.fixture(params=["cold", "warm"])
def mode(request):
    if request.param == "warm":
        request.getfixturevalue("warm_worker")
    return request.param


def submit(rabbit_exe, path, *extra):
    out = subprocess.run([str(rabbit_exe), "submit", "lstm", "--file", str(path), "--lang", "en", *extra],
                         capture_output=True, timeout=60)
    stdout = out.stdout.decode("utf-8")  # strictly UTF-8: a lone surrogate cannot be encoded
    stderr = out.stderr.decode("utf-8", errors="replace")
    assert out.returncode == 1, stderr
    assert "Traceback" not in stderr, stderr
    return stdout


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_lone_surrogate_in_an_exception_is_a_verdict(mode, rabbit_exe, tmp_path, fmt):
    path = tmp_path / "surrogate.py"
    path.write_text(raising(SURROGATE), encoding="utf-8")
    stdout = submit(rabbit_exe, path, *(["--json"] if fmt == "json" else []))
    if fmt == "json":
        verdict = strict_json(stdout)
        assert verdict["failed"][0]["reason"] == "error"
        assert "RuntimeError: \\ud800" in verdict["failed"][0]["error"]
    else:
        assert "RuntimeError: \\ud800" in stdout
    assert unsafe(stdout) == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_escape_sequences_from_a_box_are_shown_not_obeyed(mode, rabbit_exe, tmp_path, fmt):
    path = tmp_path / "repaint.py"
    path.write_text(raising(REPAINT + OSC52 + BIDI + C1, printed=OSC52 + REPAINT + BIDI), encoding="utf-8")
    stdout = submit(rabbit_exe, path, *(["--json"] if fmt == "json" else []))
    assert unsafe(stdout) == []
    text = "\n".join(strings(strict_json(stdout))) if fmt == "json" else stdout
    assert unsafe(text) == []
    # the text is still there, as data
    assert "\\x1b]52;c;cm0gLXJmIH4=\\x07" in text
    assert "\\u202egnp.exe" in text and "\\x9b2J\\u200b" in text
    assert text.count("\\x1b[1A\\r\\x1b[2Kalice.py") >= 2  # the exception and the printed output


def test_nan_in_submit_json_is_null(rabbit_exe, tmp_path):
    path = tmp_path / "nan.py"
    path.write_text(source("a * float('nan')"), encoding="utf-8")
    verdict = strict_json(submit(rabbit_exe, path, "--json"))
    assert verdict["failed"][0]["reason"] == "nonfinite"
    assert verdict["failed"][0]["actual_value"] is None


# -- a whole class through rabbit grade, in every format ----------------------------------------
def make_class(directory):
    directory.mkdir()
    files = {
        "alice.py": source(RIGHT),
        "surrogate.py": raising(SURROGATE),
        "repaint.py": raising(REPAINT),
        "clipboard.py": raising("nope", printed=OSC52 + BIDI),
        "\x1b[1A\x1b[2Kfake.py": source(WRONG),
        "=HYPERLINK(1).py": source(WRONG),
        "\u202egnp.py": source(WRONG),
    }
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    with open(os.path.join(os.fsencode(directory), b"latin1-\xe9.py"), "w", encoding="utf-8") as f:
        f.write(source(WRONG))
    return len(files) + 1


def grade(directory, *extra):
    out = subprocess.run([sys.executable, "-m", "quiz", "grade", str(directory), "-e", "lstm", "--jobs", "2",
                          "--lang", "en", "--allow-unisolated", *extra], capture_output=True, timeout=180)
    stderr = out.stderr.decode("utf-8", errors="replace")
    assert out.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    stdout = out.stdout.decode("utf-8")
    assert unsafe(stdout) == []
    return stdout


def test_grade_table_cannot_be_repainted(tmp_path):
    n = make_class(tmp_path / "class")
    lines = grade(tmp_path / "class").splitlines()
    assert len(lines) == 1 + n + 1  # a header, one row per file, the summary
    assert [cells[0] for cells in map(str.split, lines[1:-1]) if cells[1] == "\u2714"] == ["alice.py"]
    assert lines[-1].startswith(f"{n} files: 1 passed, {n - 1} failed (")
    assert any(line.startswith("\\x1b[1A\\x1b[2Kfake") for line in lines)


def test_grade_json_is_complete_and_strict(tmp_path):
    n = make_class(tmp_path / "class")
    rows = strict_json(grade(tmp_path / "class", "--json"))
    assert len(rows) == n
    assert all(unsafe(s) == [] for s in strings(rows))
    by_file = {r["file"]: r for r in rows}
    assert [f for f, r in by_file.items() if r["passed"]] == ["alice.py"]
    assert by_file["surrogate.py"]["reason_code"] == "error" and "\\ud800" in by_file["surrogate.py"]["reason"]
    assert "\\x1b[1A" in by_file["repaint.py"]["reason"]
    assert "\\x1b[1A\\x1b[2Kfake.py" in by_file
    assert "latin1-\\udce9.py" in by_file and "\\u202egnp.py" in by_file


def test_grade_csv_is_complete_and_inert(tmp_path):
    import csv

    n = make_class(tmp_path / "class")
    rows = list(csv.DictReader(io.StringIO(grade(tmp_path / "class", "--csv"))))
    assert len(rows) == n
    assert [r["file"] for r in rows if r["passed"] == "1"] == ["alice.py"]
    for r in rows:
        for cell in r.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "'=HYPERLINK(1).py" in [r["file"] for r in rows]


def test_one_submission_that_breaks_grading_does_not_take_the_batch_down(tmp_path, monkeypatch):
    real = grader.grade

    def grade_or_break(ex, src, **kw):
        if "BREAK" in src:
            raise RecursionError("maximum recursion depth exceeded \x1b]52;c;eA==\x07")
        return real(ex, src, **kw)

    monkeypatch.setattr(grader, "grade", grade_or_break)
    monkeypatch.setattr(box, "private_worker", lambda *a, **kw: nullcontext(None))
    paths = []
    for name, text in [("a.py", source(RIGHT)), ("b.py", source(RIGHT, "# BREAK")), ("c.py", source(WRONG))]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    rows = batch.grade_all(LSTM, paths, jobs=2)
    assert [(r.file, r.passed, r.code) for r in rows] == [("a.py", True, ""), ("b.py", False, "internal"),
                                                          ("c.py", False, "mismatch")]
    assert unsafe(rows[1].detail) == [] and "\\x1b]52" in rows[1].detail


# -- crafted result frames, straight to the decoder and through grade() -------------------------
def npy(a) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def raw_npy(header: str, body: bytes = b"") -> bytes:
    h = header.encode("latin1")
    h += b" " * ((64 - (10 + len(h) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + body


def status(obj) -> bytes:
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return npy(np.frombuffer(raw, np.uint8))


def zip_of(members) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def known_fresh_cases(monkeypatch):
    """The fresh cases of one known seed, so that an honest frame can carry their values too."""
    monkeypatch.setattr(freshcases, "draw", lambda ex: freshcases.compute(ex, 1))


def honest_members(statuses=None):
    """What the harness sends for a right answer: the expected values (public, then fresh), computed here."""
    expected = casecache.load(LSTM).expected + freshcases.compute(LSTM, 1).expected
    members = [("__status__.npy", status(statuses if statuses is not None else [{"ok": True}] * len(expected)))]
    for i, values in enumerate(expected):
        for j, arr in enumerate(values):
            members.append((f"c{i}.r{j}.npy", npy(np.array(arr.data, dtype=np.float64).reshape(arr.shape))))
    return members


def graded(monkeypatch, result: bytes, **fields):
    """The verdict for a right answer whose box sent back `result`."""
    def fake_run(payload, limits=box.Limits(), worker=None, meanwhile=None):
        if callable(payload):
            payload()
        return box.BoxRun(result, fields.get("output", ""), 0, False, False, False, None, 0.1, "namespaces")

    monkeypatch.setattr(box, "run", fake_run)
    return grading.grade(LSTM, source(RIGHT), answer=RIGHT)


def test_an_honest_frame_passes(monkeypatch):
    """The baseline for everything below: the same frame, unaltered, is a pass."""
    verdict = graded(monkeypatch, zip_of(honest_members()))
    assert verdict.passed and verdict.reason == "", verdict


def deflated(frame: bytes) -> bytes:
    """Every member's compression method flipped from stored to deflate, in both headers."""
    out = bytearray(frame)
    for sig, field in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = out.find(sig)
        while at >= 0:
            out[at + field : at + field + 2] = struct.pack("<H", zipfile.ZIP_DEFLATED)
            at = out.find(sig, at + 4)
    return bytes(out)


def not_deflate() -> bytes:
    """A member marked deflate whose bytes are no deflate stream: inflating it raises zlib.error."""
    members = [("c0.r0.npy", b"\xff" * 64)] + [m for m in honest_members() if m[0] != "c0.r0.npy"]
    return deflated(zip_of(members))


def many_entries(n: int, zip64: bool = False) -> bytes:
    """One local entry named x.npy and `n` central-directory entries all pointing at it."""
    data, name = npy(np.zeros(1)), b"x.npy"
    crc = zlib.crc32(data)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0) + name + data
    entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, crc, len(data), len(data), len(name),
                        0, 0, 0, 0, 0, 0) + name
    cd = entry * n
    if not zip64:
        return local + cd + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n & 0xFFFF, n & 0xFFFF, len(cd), len(local), 0)
    end64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, len(cd), len(local))
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(local) + len(cd), 1)
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return local + cd + end64 + locator + eocd


class LookedAtTooMuch(BaseException):
    """Raised by the spy below; a BaseException so that no decoder can mistake it for a bad frame."""


@pytest.mark.parametrize("zip64", [False, True])
def test_six_hundred_thousand_directory_entries_are_rejected_unread(monkeypatch, zip64):
    frame = many_entries(637_369, zip64)
    assert len(frame) < box.Limits().result_bytes  # a box may send this much
    assert graded(monkeypatch, frame).reason == "garbled"


@pytest.mark.parametrize("n", [637_369, 50])
def test_the_decoder_looks_at_a_bounded_number_of_entries(monkeypatch, n):
    """Counted while the result frame is decoded: no more zip entries than a result can hold."""
    bound = 1 + 5 * 2  # lstm: a status and two outputs for each of five cases
    frame = many_entries(n)
    seen, counting = [0], [False]
    init, read_npz = zipfile.ZipInfo.__init__, npyio.read_npz

    def counted(self, *args, **kwargs):
        if counting[0]:
            seen[0] += 1
            if seen[0] > bound:
                raise LookedAtTooMuch(f"parsed more than {bound} zip entries")
        init(self, *args, **kwargs)

    def spied(raw, *args, **kwargs):
        counting[0] = raw is frame
        try:
            return read_npz(raw, *args, **kwargs)
        finally:
            counting[0] = False

    monkeypatch.setattr(zipfile.ZipInfo, "__init__", counted)
    monkeypatch.setattr(npyio, "read_npz", spied)
    assert graded(monkeypatch, frame).reason == "garbled"
    assert seen[0] <= 1


DEEP = [("__status__.npy", status(b"[" * 200_000))]


@pytest.mark.parametrize("members, why", [
    (None, "honest members, stored as deflate"),
    ("zlib", "a member whose bytes are not a deflate stream, marked as deflate"),
    (DEEP, "a status nested 200,000 deep"),
    ([("__status__.npy", status(b"[" * 30 + b"]" * 30))], "a status nested 30 deep"),
    ([("__status__.npy", status(b'"' + b"x" * 2_000_000 + b'"'))], "a 2 MB status"),
    ([("__status__.npy", status([{"ok": "yes"}] * 5))], "ok is not a boolean"),
    ([("__status__.npy", status([{"ok": False, "stage": "call", "error": ["x"]}] * 5))], "error is not text"),
    ([("__status__.npy", status([{"ok": True, "extra": 1}] * 5))], "a key the harness never writes"),
    ([("__status__.npy", status([{"ok": True}] * 4))], "a status per case, one short"),
    ([("__status__.npy", status([{"ok": True}] * 5 + [{"ok": True}]))], "one status too many"),
    ([("__status__.npy", status([{"ok": True}] * 5)), ("__status__.npy", status([{"ok": True}] * 5))],
     "the status twice"),
])
def test_a_result_frame_that_does_not_decode_is_garbled(monkeypatch, members, why):
    if members == "zlib":
        frame = not_deflate()
    else:
        frame = deflated(zip_of(honest_members())) if members is None else zip_of(members)
    verdict = graded(monkeypatch, frame)
    assert not verdict.passed and verdict.reason == "garbled", (why, verdict)


@pytest.mark.parametrize("extra, why", [
    ([("c0.r0.npy", npy(np.zeros((3, 6))))], "an output twice"),
    ([("c9.r0.npy", npy(np.zeros((3, 6))))], "an output of a case that does not exist"),
    ([("c0.r2.npy", npy(np.zeros((3, 6))))], "a third output of a function that returns two"),
    ([("evil.npy", npy(np.zeros(1)))], "a name the harness never writes"),
    ([("../c0.r0.npy", npy(np.zeros(1)))], "a path"),
    ([("c0.r0.npy/", b"")], "a directory"),
])
def test_unexpected_or_duplicate_names_are_garbled(monkeypatch, extra, why):
    verdict = graded(monkeypatch, zip_of(honest_members() + extra))
    assert not verdict.passed and verdict.reason == "garbled", (why, verdict)


@pytest.mark.parametrize("header, body", [
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", b""),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (3, -6), }", b""),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (True, 18), }", b"\0" * 8 * 18),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (2**62, 2**62), }", b""),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (" + "1, " * 100 + "18), }", b"\0" * 8 * 18),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (" + "9" * 1000 + ",), }", b""),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 150 + ")" * 150 + ", }", b""),
    ("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 6), }", b"\0" * 8 * 18),
    ("{'descr': '|O', 'fortran_order': False, 'shape': (3, 6), }", b"\0" * 8 * 18),
    ("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 6), }", b"\0" * 8 * 17),
])
def test_a_bad_npy_header_is_garbled(monkeypatch, header, body):
    members = honest_members()
    members[1] = ("c0.r0.npy", raw_npy(header, body))
    verdict = graded(monkeypatch, zip_of(members))
    assert not verdict.passed and verdict.reason == "garbled", verdict


def test_the_decoder_lets_nothing_but_garbledframe_out(monkeypatch):
    """Its contract, directly: a frame decodes, or GarbledFrame says why; nothing else escapes."""
    frames = [b"", b"PK\x05\x06" + b"\0" * 18, deflated(zip_of(honest_members())), many_entries(200_000),
              zip_of(DEEP), zip_of([("__status__.npy", raw_npy("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }"))])]
    for frame in frames:
        with pytest.raises(GarbledFrame):
            read_result(frame, cases=8, returns=2)
    statuses, arrays = read_result(zip_of(honest_members()), cases=8, returns=2)
    assert statuses == [{"ok": True}] * 8 and sorted(arrays) == sorted(f"c{i}.r{j}" for i in range(8) for j in range(2))


def test_error_text_is_cleaned_where_it_enters(monkeypatch):
    message = "RuntimeError: \ud800 \x1b]52;c;eA==\x07 \u202e\n  line 2"
    members = honest_members([{"ok": False, "stage": "call", "error": message}] + [{"ok": True}] * 7)
    verdict = graded(monkeypatch, zip_of(members))
    assert verdict.failed[0].reason == "error"
    assert verdict.failed[0].error == "RuntimeError: \\ud800 \\x1b]52;c;eA==\\x07 \\u202e\n  line 2"


# -- the reply header, through the warm worker's socket and the cold worker's pipe ---------------
def reply(header, body: bytes = b"") -> bytes:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<II", len(raw), len(body)) + raw + body


def header(**changes) -> dict:
    h = dataclasses.asdict(box.BoxRun(None, "", 0, False, False, False, None, 0.1, "namespaces"))
    h["result"] = True
    h.update(changes)
    return h


@contextmanager
def socket_worker(answer: bytes):
    """A stand-in for a worker on an abstract socket: reads one request, sends `answer`."""
    path = f"@rabbit-test-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind("\0" + path[1:])
    srv.listen(4)
    srv.settimeout(0.1)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(10)
                want, got = None, b""
                while want is None or len(got) < want:
                    chunk = conn.recv(1 << 20)
                    if not chunk:
                        break
                    got += chunk
                    if want is None and len(got) >= 8:
                        want = 8 + sum(struct.unpack("<II", got[:8]))
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        stop.set()
        thread.join(10)
        srv.close()


PIPE_WORKER = textwrap.dedent("""
    import struct, sys
    head = sys.stdin.buffer.read(8)
    sys.stdin.buffer.read(sum(struct.unpack("<II", head)))
    with open(sys.argv[1], "rb") as f:
        sys.stdout.buffer.write(f.read())
    sys.stdout.flush()
""")


def through(transport, answer: bytes, monkeypatch, tmp_path):
    """The verdict for a right answer when the worker answers `answer`, over `transport`."""
    src = source(RIGHT)
    if transport == "socket":
        with socket_worker(answer) as path:
            return grading.grade(LSTM, src, answer=RIGHT, worker=path)
    (tmp_path / "reply").write_bytes(answer)
    monkeypatch.setattr(launch, "command", lambda *a: [sys.executable, "-I", "-c", PIPE_WORKER, str(tmp_path / "reply")])
    return grading.grade(LSTM, src, answer=RIGHT)


@pytest.mark.parametrize("transport", ["socket", "pipe"])
def test_an_honest_reply_passes(transport, monkeypatch, tmp_path):
    verdict = through(transport, reply(header(), zip_of(honest_members())), monkeypatch, tmp_path)
    assert verdict.passed, verdict


@pytest.mark.parametrize("transport", ["socket", "pipe"])
@pytest.mark.parametrize("head, why", [
    (b"[" * 500_000, "nested 500,000 deep"),
    (b'{"output": ' + b"[" * 900 + b"]" * 900 + b"}", "nested 900 deep"),
    (b"{" + b'"a": 1, ' * 120_000 + b'"b": 2}', "a megabyte of keys"),
    (b"\xff\xfe not json", "not JSON"),
    (b"[1, 2, 3]", "not an object"),
    (json.dumps(header(output=5)).encode(), "output is not text"),
    (json.dumps(header(timed_out="no")).encode(), "a flag that is not a boolean"),
    (json.dumps(header(seconds=float("nan"))).encode(), "NaN seconds"),
    (json.dumps(header(seconds=float("inf"))).encode(), "infinite seconds"),
    (json.dumps(header(surprise=1)).encode(), "a field this rabbit does not know"),
])
def test_a_reply_header_that_does_not_decode_is_garbled(transport, head, why, monkeypatch, tmp_path):
    verdict = through(transport, reply(head, zip_of(honest_members())), monkeypatch, tmp_path)
    assert not verdict.passed and verdict.reason == "garbled", (why, verdict)


@pytest.mark.parametrize("transport", ["socket", "pipe"])
def test_printed_output_in_the_reply_is_cleaned(transport, monkeypatch, tmp_path):
    printed = "hi \x1b]52;c;eA==\x07 \ud800 \u202e\r\nnext line\n"
    verdict = through(transport, reply(header(output=printed), zip_of(honest_members())), monkeypatch, tmp_path)
    assert verdict.passed
    assert verdict.output == "hi \\x1b]52;c;eA==\\x07 \\ud800 \\u202e\\r\nnext line\n"


@pytest.mark.parametrize("transport", ["socket", "pipe"])
def test_a_deflated_body_after_an_honest_header_is_garbled(transport, monkeypatch, tmp_path):
    verdict = through(transport, reply(header(), not_deflate()), monkeypatch, tmp_path)
    assert verdict.reason == "garbled", verdict


# -- the text module itself ------------------------------------------------------------------------
@pytest.mark.parametrize("raw, shown", [
    ("plain text, 日本語\u3000全角スペース", "plain text, 日本語\u3000全角スペース"),
    ("a\x1b[2Jb", "a\\x1b[2Jb"),
    ("\x1b]52;c;eA==\x07", "\\x1b]52;c;eA==\\x07"),
    ("\x9b\x85\x7f\x00", "\\x9b\\x85\\x7f\\x00"),
    ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069"),
    ("\u200b\u200d\ufeff\u00ad\U000e0041", "\\u200b\\u200d\\ufeff\\xad\\U000e0041"),
    ("\ud800\udfff", "\\ud800\\udfff"),
    ("line one\nline two\r\n", "line one\nline two\\r\n"),
    ("tab\there \u2028", "tab\\there \\u2028"),
])
def test_clean_shows_control_as_escapes(raw, shown):
    assert safetext.clean(raw) == shown
    assert safetext.clean(raw, multiline=False) == shown.replace("\n", "\\n")


def test_csv_cells_never_start_a_formula():
    assert [safetext.csv_cell(s) for s in ["=1+1", "+1", "-1", "@SUM(A1)", "ok", 3]] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "ok", 3]
