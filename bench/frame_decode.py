"""How long the rabbit process spends decoding what a box sends back, honest or hostile.

Every hostile frame must be turned down in milliseconds, whatever it claims (a zip bomb of
637,369 directory entries pointing at one member once cost 40 s of CPU). Run:

    .venv/bin/python bench/frame_decode.py
"""

from __future__ import annotations

import io
import json
import struct
import sys
import time
import zipfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from quiz.grading import box, npyio  # noqa: E402
from quiz.grading.reply import read_header  # noqa: E402
from quiz.grading.result import GarbledFrame, read_result  # noqa: E402

CASES, RETURNS = 5, 2
BUDGET_MS = 50.0  # any single decode above this is a regression


def npy(a) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def zip_of(members) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def status(raw: bytes) -> bytes:
    return npy(np.frombuffer(raw, np.uint8))


def honest(shape=(64, 64)) -> bytes:
    members = [("__status__.npy", status(json.dumps([{"ok": True}] * CASES).encode()))]
    members += [(f"c{i}.r{j}.npy", npy(np.random.default_rng(i).random(shape))) for i in range(CASES) for j in range(RETURNS)]
    return zip_of(members)


def many_entries(n: int) -> bytes:
    data, name = npy(np.zeros(1)), b"x.npy"
    crc = zlib.crc32(data)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0) + name + data
    entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, crc, len(data), len(data), len(name),
                        0, 0, 0, 0, 0, 0) + name
    cd = entry * n
    return local + cd + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n & 0xFFFF, n & 0xFFFF, len(cd), len(local), 0)


def deflated(frame: bytes) -> bytes:
    out = bytearray(frame)
    for sig, field in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = out.find(sig)
        while at >= 0:
            out[at + field : at + field + 2] = struct.pack("<H", zipfile.ZIP_DEFLATED)
            at = out.find(sig, at + 4)
    return bytes(out)


def best_ms(fn, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def decode(frame: bytes):
    def run():
        try:
            read_result(frame, CASES, RETURNS)
        except GarbledFrame:
            pass
    return run


def header(raw: bytes):
    return lambda: read_header(raw)


def main() -> int:
    frames = {
        "honest, 10 arrays of 64x64": decode(honest()),
        "honest, 10 arrays of 512x512 (20 MB)": decode(honest((512, 512))),
        "637,369 entries named x.npy (32 MB)": decode(many_entries(637_369)),
        "honest members flipped to deflate": decode(deflated(honest())),
        'status "[" * 200,000': decode(zip_of([("__status__.npy", status(b"[" * 200_000))])),
        'status of 250 kB of "[]"': decode(zip_of([("__status__.npy", status(b"[]" * 125_000))])),
        'reply header "[" * 500,000': header(b"[" * 500_000),
        'reply header "[[]" * 170,000': header(b"[[]" * 170_000),
        "reply header of 500 kB of keys": header(b"{" + b'"a": 1, ' * 60_000 + b'"b": 2}'),
        "reply header with 420 kB of printed output": header(json.dumps({"output": "\u3042[" * 60_000}).encode()),
    }
    worst = 0.0
    for name, fn in frames.items():
        ms = best_ms(fn)
        worst = max(worst, ms if "honest, 10 arrays of 512" not in name else 0.0)
        print(f"{ms:9.2f} ms  {name}")
    print(f"worst hostile or small frame: {worst:.2f} ms (budget {BUDGET_MS:.0f} ms); "
          f"size cap {box.Limits().result_bytes // 1024**2} MiB, at most {1 + CASES * RETURNS} entries for lstm, "
          f"{npyio.MAX_ENTRIES} for any frame")
    return 0 if worst <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
