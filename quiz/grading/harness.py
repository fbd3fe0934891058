"""The program that runs inside the box (a child Python started with -I).

It is passed as `python -I -c <this source>` (or exec'd by the warm worker before it forks),
so it imports nothing from rabbit: only the standard library and numpy. It reads one .npz frame from stdin (the learner's source, the call
manifest, the input arrays), runs the learner's function on every case, and writes one .npz
frame of plain float64 arrays to the fd named in argv[1]. It never sees expected values; the parent compares.
"""

import io
import json
import linecache
import os
import sys
import traceback

import numpy as np

SOURCE_NAME = "submission.py"
MAX_INPUT = 64 * 1024 * 1024


def _trimmed(exc: BaseException) -> str:
    """The exception with only the learner's own frames, like a short traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == SOURCE_NAME]
    lines = []
    for f in frames[-4:]:
        lines.append(f"  line {f.lineno}, in {f.name}: {(f.line or '').strip()}")
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, SyntaxError) and exc.filename == SOURCE_NAME:
        lines = [f"  line {exc.lineno}: {(exc.text or '').strip()}"]
        text = f"SyntaxError: {exc.msg}"
    return "\n".join(lines + [text])[:2000]


def _build(spec, data):
    if "array" in spec:
        return data[spec["array"]].copy()
    if "scalar" in spec:
        return float(spec["scalar"])
    if "int" in spec:
        return int(spec["int"])
    if "tree" in spec:
        leaves = data[spec["leaves"]]

        def node(s):
            if isinstance(s, int):
                return leaves[s].copy()
            return {"left": node(s[0]), "right": node(s[1])}

        return node(spec["tree"])
    raise ValueError(f"unknown input spec {spec!r}")


def _as_array(value):
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"returned {type(value).__name__} of dtype {arr.dtype}, not a numeric array")
    return np.array(arr, dtype=np.float64, copy=True, order="C")  # the parent reads C order only


def main(result_fd: int) -> None:
    out = os.fdopen(result_fd, "wb")
    sys.argv = [SOURCE_NAME]
    raw = sys.stdin.buffer.read(MAX_INPUT + 1)
    # frame: b"RBT2", the source length (8 bytes), the source, then inputs .npz frames (the public
    # cases, the fresh ones), each after its length (8 bytes); cases are numbered across them
    if raw[:4] != b"RBT2":
        raise SystemExit("bad frame")
    n = int.from_bytes(raw[4:12], "little")
    source = raw[12 : 12 + n].decode("utf-8")
    at, frames = 12 + n, []
    while at < len(raw):
        size = int.from_bytes(raw[at : at + 8], "little")
        frames.append(np.load(io.BytesIO(raw[at + 8 : at + 8 + size]), allow_pickle=False))
        at += 8 + size
    inputs = [(json.loads(bytes(d["__manifest__"]).decode()), d) for d in frames]
    manifest = inputs[0][0]
    calls = [(case, d) for m, d in inputs for case in m["cases"]]
    statuses = []
    results = {}
    namespace = {"__name__": "submission", "__file__": SOURCE_NAME}
    linecache.cache[SOURCE_NAME] = (len(source), None, source.splitlines(True), SOURCE_NAME)
    try:
        exec(compile(source, SOURCE_NAME, "exec"), namespace)  # noqa: S102 - this is the box
        fn = namespace.get(manifest["function"])
        if not callable(fn):
            raise NameError(f"the file defines no function named {manifest['function']!r}")
    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: they fail the submission
        statuses = [{"ok": False, "stage": "load", "error": _trimmed(exc)}]
    else:
        n_returns = manifest["returns"]
        for i, (case, data) in enumerate(calls):
            try:
                for name, spec in case["globals"].items():
                    namespace[name] = _build(spec, data)
                args = [_build(spec, data) for spec in case["args"]]
                value = fn(*args)
                values = list(value) if n_returns > 1 and isinstance(value, (tuple, list)) else [value]
                if len(values) != n_returns:
                    raise TypeError(f"returned {len(values)} value(s), expected {n_returns}")
                for j, v in enumerate(values):
                    results[f"c{i}.r{j}"] = _as_array(v)
                statuses.append({"ok": True})
            except BaseException as exc:
                statuses.append({"ok": False, "stage": "call", "error": _trimmed(exc)})
    buf = io.BytesIO()
    status = np.frombuffer(json.dumps(statuses).encode(), dtype=np.uint8)
    np.savez(buf, __status__=status, **results)
    out.write(buf.getvalue())
    out.flush()


if __name__ == "__main__":  # `python -I -c <source> FD`; the warm worker calls main() itself
    main(int(sys.argv[1]))
