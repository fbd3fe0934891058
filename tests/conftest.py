import os
import sys
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def rabbit_home(tmp_path, monkeypatch):
    """Every test gets its own RABBIT_HOME; nothing touches the real user data dir."""
    home = tmp_path / "rabbit-home"
    monkeypatch.setenv("RABBIT_HOME", str(home))
    monkeypatch.delenv("RABBIT_LANG", raising=False)
    return home


@pytest.fixture
def rabbit_exe():
    """The installed console script next to the running interpreter."""
    exe = Path(sys.executable).parent / ("rabbit.exe" if os.name == "nt" else "rabbit")
    if not exe.exists():
        pytest.fail(f"the rabbit console script is not installed next to {sys.executable}; "
                    "run the README's test command (pip install '.[test]')")
    return exe
