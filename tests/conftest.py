import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Before any test module is imported: the whole session runs with HOME, the XDG directories and
# RABBIT_HOME in a temporary directory, so nothing the suite does (a load at import time, a child
# process started without RABBIT_HOME, a library's dotfile) can write into the real home.
SESSION_DIR = Path(tempfile.mkdtemp(prefix="rabbit-suite-"))
FAKE_HOME = SESSION_DIR / "home"
FAKE_HOME.mkdir()
os.environ["HOME"] = str(FAKE_HOME)
for _var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = str(SESSION_DIR / _var.lower())
os.environ["RABBIT_HOME"] = str(SESSION_DIR / "rabbit-home")


def pytest_unconfigure(config):
    shutil.rmtree(SESSION_DIR, ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def nothing_in_the_default_home():
    """After the session: no test let rabbit fall back to the default data dir (HOME or XDG)."""
    yield
    leaked = [str(p) for p in (FAKE_HOME / ".local" / "share" / "rabbit", SESSION_DIR / "xdg_data_home" / "rabbit")
              if p.exists()]
    assert not leaked, f"rabbit wrote into the default home during the suite: {leaked}"


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
