"""The one directory that holds all of rabbit's state: $RABBIT_HOME or the user data dir."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def rabbit_home() -> Path:
    env = os.environ.get("RABBIT_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "rabbit"


def db_path() -> Path:
    return rabbit_home() / "rabbit.db"


def workspace_dir() -> Path:
    """Where the learner's own copies of the exercise templates live."""
    return rabbit_home() / "exercises"
