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
    monkeypatch.delenv("RABBIT_BANK", raising=False)
    monkeypatch.setenv("RABBIT_WORKER", "off")  # tests that want the warm worker ask for it
    return home


@pytest.fixture
def warm_worker(monkeypatch):
    """A running warm worker under a short RABBIT_HOME (socket paths are length-limited)."""
    import shutil
    import tempfile
    import time

    from quiz import box

    home = tempfile.mkdtemp(prefix="rw-", dir="/tmp")
    monkeypatch.setenv("RABBIT_HOME", home)
    monkeypatch.setenv("RABBIT_WORKER", "on")
    path = box.socket_path()
    assert path is not None
    box._start_worker(path)
    deadline = time.monotonic() + 20
    while box._run_warm(path, b"", box.Limits()) is None:
        assert time.monotonic() < deadline, "the warm worker did not come up"
        time.sleep(0.05)
    yield path
    box.stop_worker()
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def rabbit_exe():
    """The installed console script next to the running interpreter."""
    exe = Path(sys.executable).parent / ("rabbit.exe" if os.name == "nt" else "rabbit")
    if not exe.exists():
        pytest.fail(f"the rabbit console script is not installed next to {sys.executable}; "
                    "run the README's test command (pip install '.[test]')")
    return exe
