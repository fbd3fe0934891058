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

    from quiz.grading import box

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


@pytest.fixture(scope="session")
def _shared_run_dir():
    """The run directory of one warm worker kept for the whole session (see shared_warm_worker)."""
    from quiz.grading import box

    base = Path(tempfile.mkdtemp(prefix="rw-", dir="/tmp"))
    (base / "run").mkdir(mode=0o700)
    yield base
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RABBIT_HOME", str(base))
        box.stop_worker()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def shared_warm_worker(monkeypatch, _shared_run_dir):
    """A running warm worker, as `warm_worker`, but one process serves every test that asks for it
    (starting a worker costs about a second): for tests that attack boxes, not the worker itself.
    Each test still has a home of its own; its run/ links to the shared worker's directory. A
    worker found dead (killed, or gone idle) is started again."""
    import time

    from quiz.grading import box

    home = Path(tempfile.mkdtemp(prefix="rw-", dir="/tmp"))
    (home / "run").symlink_to(_shared_run_dir / "run")
    monkeypatch.setenv("RABBIT_WORKER", "on")
    monkeypatch.setenv("RABBIT_HOME", str(_shared_run_dir))
    path = box.socket_path()
    assert path is not None
    if box.ping(path) is None:
        box._start_worker(path)
        deadline = time.monotonic() + 20
        while box._run_warm(path, b"", box.Limits()) is None:
            assert time.monotonic() < deadline, "the warm worker did not come up"
            time.sleep(0.05)
    monkeypatch.setenv("RABBIT_HOME", str(home))
    assert box.socket_path() == str(home / "run" / Path(path).name)
    yield box.socket_path()
    shutil.rmtree(home, ignore_errors=True)  # the link only: the shared worker stays


@pytest.fixture
def rabbit_exe():
    """The installed console script next to the running interpreter."""
    exe = Path(sys.executable).parent / ("rabbit.exe" if os.name == "nt" else "rabbit")
    if not exe.exists():
        pytest.fail(f"the rabbit console script is not installed next to {sys.executable}; "
                    "run the README's test command (pip install '.[test]')")
    return exe


def count_rows(db: Path, where: str = "1") -> int | None:
    """How many attempts match, or None while the database or its tables are not there yet
    (a child may have created the file but not run its migrations) or it is busy."""
    import sqlite3

    if not db.exists():  # connecting would create an empty file under the child's feet
        return None
    con = sqlite3.connect(db, timeout=0.5)
    try:
        return con.execute(f"SELECT count(*) FROM attempts WHERE {where}").fetchone()[0]
    except sqlite3.OperationalError:  # "no such table", "database is locked"
        return None
    finally:
        con.close()


@pytest.fixture
def wait_for_attempts():
    """wait_for_attempts(db, n, where=...): block until at least n matching attempts are recorded,
    failing the test at the deadline (rows are the one thing the program guarantees to leave)."""
    import time

    def wait(db: Path, n: int, where: str = "1", timeout: float = 60, proc=None) -> int:
        deadline = time.monotonic() + timeout
        while True:
            found = count_rows(db, where)
            if found is not None and found >= n:
                return found
            if proc is not None and proc.poll() is not None:
                pytest.fail(f"the child exited ({proc.returncode}) with {found} of {n} attempts recorded")
            if time.monotonic() > deadline:
                pytest.fail(f"{found} of {n} attempts recorded in {db} after {timeout} s")
            time.sleep(0.02)

    return wait
