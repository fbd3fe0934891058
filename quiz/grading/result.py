"""The box's result frame, read strictly and within bounds: one status per case and the float64
outputs; anything else is a GarbledFrame.
"""

from __future__ import annotations

import re

from quiz.grading import npyio, safetext


class GarbledFrame(ValueError):
    """A result frame that does not decode: the submission fails with reason `garbled`."""


MAX_CASES, MAX_RETURNS = 64, 8
STATUS_BYTES = 256 * 1024  # five cases of 2,000-character errors, escaped, with room to spare
_OUTPUT_NAME = re.compile(r"c(\d{1,2})\.r(\d)")
_STATUS_KEYS = {True: {"ok"}, False: {"ok", "stage", "error"}}


def read_result(frame: bytes | None, cases: int | None = None, returns: int | None = None) -> tuple[list[dict], dict]:
    """The box's result frame as (statuses, arrays), or GarbledFrame; nothing else ever escapes.

    Read strictly and within bounds (see npyio.read_npz): `__status__` (uint8, a JSON list of
    one flat object per case, or a single load failure) and float64 outputs `c{i}.r{j}` for
    i < `cases` and j < `returns`, each at most once. Error text is made harmless to show here,
    where it enters rabbit. `cases`/`returns` default to generous bounds when not known.
    """
    try:
        return _decode_result(frame or b"", cases, returns)
    except GarbledFrame:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the bytes do, the verdict is "garbled"
        raise GarbledFrame(safetext.clean(f"{type(e).__name__}: {e}"[:200], multiline=False)) from None


def _decode_result(frame: bytes, cases: int | None, returns: int | None) -> tuple[list[dict], dict]:
    max_cases = MAX_CASES if cases is None else cases
    max_returns = MAX_RETURNS if returns is None else returns

    def expected(name: str) -> bool:
        m = _OUTPUT_NAME.fullmatch(name)
        return name == "__status__" or (m is not None and int(m[1]) < max_cases and int(m[2]) < max_returns
                                        and m[0] == f"c{int(m[1])}.r{int(m[2])}")

    try:
        arrays = npyio.read_npz(frame, names=expected, max_entries=1 + max_cases * max_returns)
        status = arrays.pop("__status__", None)
        if status is None or status.data.typecode != "B" or len(status.shape) != 1:
            raise GarbledFrame("no status")
        statuses = npyio.loads_json(npyio.to_bytes(status), STATUS_BYTES, max_depth=2)
    except npyio.FrameError as e:
        raise GarbledFrame(safetext.clean(str(e), multiline=False)) from None
    if not isinstance(statuses, list) or not statuses:
        raise GarbledFrame("the status is not a list")
    clean = [_status(s) for s in statuses]
    load_failed = len(clean) == 1 and clean[0].get("stage") == "load"
    if any(s.get("stage") == "load" for s in clean) and not (load_failed and not arrays):
        raise GarbledFrame("a load failure among other results")
    if not load_failed and len(clean) != max_cases and cases is not None:
        raise GarbledFrame(f"{len(clean)} statuses for {cases} cases")
    for name, arr in arrays.items():
        i = int(_OUTPUT_NAME.fullmatch(name)[1])
        if arr.data.typecode != "d":
            raise GarbledFrame(f"{name} is not a float64 array")
        if i >= len(clean):  # a failed case may have some (the harness stops at the bad value)
            raise GarbledFrame(f"{name} belongs to no case")
    return clean, arrays


def _status(s) -> dict:
    """One case's status, exactly as the harness writes it, with its error text made harmless."""
    if not isinstance(s, dict) or not isinstance(s.get("ok"), bool) or set(s) != _STATUS_KEYS[s["ok"]]:
        raise GarbledFrame("a status the harness does not write")
    if s["ok"]:
        return {"ok": True}
    if s["stage"] not in ("load", "call") or not isinstance(s["error"], str):
        raise GarbledFrame("a status the harness does not write")
    return {"ok": False, "stage": s["stage"], "error": safetext.clean(s["error"])}

