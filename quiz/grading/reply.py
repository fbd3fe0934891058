"""The worker's reply, as the rabbit process reads it: a JSON header decoded within bounds, its
text made harmless to show, and a header no worker writes read as a garbled result.
"""

from __future__ import annotations

import dataclasses
import math

from quiz.grading import npyio, safetext
from quiz.grading.limits import BoxRun


class BoxError(OSError):
    """The box could not be run: the machine or the installation, never the learner's code."""


class Unisolated(BoxError):
    """Boxes would run without namespace isolation, and the caller did not accept that."""


MAX_HEADER = 512 * 1024  # 64 KiB of printed output is at most 384 KiB of escaped JSON
_MULTILINE = {"output", "error"}  # text fields of a reply that keep their line breaks


def read_header(raw: bytes) -> dict:
    """A reply's JSON header, decoded within bounds; {} (read as garbled by box_run) if it is not one."""
    try:
        head = npyio.loads_json(raw, MAX_HEADER, max_depth=4)
    except npyio.FrameError:
        return {}
    return head if isinstance(head, dict) else {}


def _fits(value, annotation: str) -> bool:
    """Whether a JSON value has the type a BoxRun field is annotated with ("str", "int | None", ...)."""
    for kind in (k.strip() for k in str(annotation).split("|")):
        if kind == "None" and value is None:
            return True
        if kind == "str" and isinstance(value, str):
            return True
        if kind == "bool" and isinstance(value, bool):
            return True
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return math.isfinite(value) and value >= 0
    return False


def box_run(meta: dict, body: bytes) -> BoxRun:
    """The worker's reply as a BoxRun, its text made harmless to show.

    A header that is not one a worker writes (a field unknown or of the wrong type, seconds
    that are not a finite number) comes back as a run whose result is an empty, garbled frame:
    the submission fails with reason `garbled`. The worker's own "could not set up a box"
    (`error`) is a BoxError, as before.
    """
    fields = {f.name: f.type for f in dataclasses.fields(BoxRun)}
    fields["result"] = "bool"  # on the wire: whether a result frame follows as the body
    if not isinstance(meta, dict) or not meta or not all(k in fields and _fits(v, fields[k]) for k, v in meta.items()):
        return garbled()
    values = {k: safetext.clean(v, multiline=k in _MULTILINE) if isinstance(v, str) else v for k, v in meta.items()}
    values["result"] = body if meta.get("result") else None
    try:
        run = BoxRun(**values)
    except TypeError:  # a field missing
        return garbled()
    if run.error:
        raise BoxError(run.error)
    return run


def garbled() -> BoxRun:
    return BoxRun(b"", "", None, False, False, False, None, 0.0)
