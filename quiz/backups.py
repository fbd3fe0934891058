"""Backups of a learner's file: every distinct earlier version, named so that they sort by time.

NAME.py is kept as NAME.py.YYYYMMDD-HHMMSS.bak (local time) next to it. A plain NAME.py.bak,
written by older versions of rabbit, counts as a backup too and is never overwritten.
"""

from __future__ import annotations

import re
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

STAMP = "%Y%m%d-%H%M%S"
PATTERN = "NAME.py.YYYYMMDD-HHMMSS.bak"
_STAMPED = re.compile(r"\.(\d{8}-\d{6})\.bak")


def backups(path: Path) -> list[Path]:
    """The backups of path, oldest first."""
    stamped = sorted(p for p in path.parent.glob(path.name + ".*.bak")
                     if _STAMPED.fullmatch(p.name[len(path.name):]))
    legacy = path.with_name(path.name + ".bak")
    return ([legacy] if legacy.is_file() else []) + stamped


def keep(path: Path, now: float | None = None) -> tuple[Path, bool]:
    """Back up path unless a backup with the same content exists: (the backup, whether it is new)."""
    data = path.read_bytes()
    existing = backups(path)
    for old in existing:
        if old.read_bytes() == data:
            return old, False
    when = datetime.fromtimestamp(time.time() if now is None else now).replace(microsecond=0)
    stamped = [p for p in existing if p.name != path.name + ".bak"]
    if stamped:  # two resets in one second: the newer one still sorts last
        latest = datetime.strptime(_STAMPED.fullmatch(stamped[-1].name[len(path.name):]).group(1), STAMP)
        when = max(when, latest + timedelta(seconds=1))
    while True:
        target = path.with_name(f"{path.name}.{when.strftime(STAMP)}.bak")
        try:
            with open(target, "xb") as f:  # never replace a file that is already there
                f.write(data)
        except FileExistsError:
            when += timedelta(seconds=1)
            continue
        shutil.copystat(path, target)  # the backup keeps the time the learner last saved it
        return target, True
