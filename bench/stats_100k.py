"""`rabbit stats --json` over an attempt log of 100,000 rows, against `python -c pass`, side by side.

Target: median <= 20x. Also prints the same with an exam date set (readiness needs the FSRS
review state, folded in once from the log and cached). Run: python bench/stats_100k.py
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _common import clean_env, rabbit_cmd, report, side_by_side


def fill(home: Path, n: int = 100_000) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["RABBIT_HOME"] = str(home)
    from quiz import bank
    from quiz.exercises import load_all
    from quiz.store import Store

    items = [(q.id, "question", q.content_hash) for q in bank.load() if q.type != "code"]
    items += [(ex.id, "exercise", ex.content_hash) for ex in load_all().values()]
    Store().connect().close()  # create the schema
    rng = random.Random(1)
    start = datetime.now(timezone.utc) - timedelta(days=90)
    rows = []
    for i in range(n):
        item, kind, h = rng.choice(items)
        when = start + timedelta(seconds=i * 90 * 86400 // n)
        rows.append((os.urandom(8).hex(), item, kind, int(rng.random() < 0.7), "1", 3000,
                     when.isoformat(timespec="milliseconds"), None, h, None))
    db = sqlite3.connect(home / "rabbit.db")
    db.executemany("INSERT INTO attempts (uid, item_id, kind, correct, answer, duration_ms, answered_at, session,"
                   " item_hash, detail) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    db.commit()
    db.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        fill(home)
        env = clean_env(str(home))
        medians = side_by_side({
            "python -c pass": [sys.executable, "-c", "pass"],
            "rabbit stats --json (100k attempts)": rabbit_cmd() + ["stats", "--json"],
            "  ... with an exam date (readiness)": rabbit_cmd() + ["stats", "--json", "--exam-date", "2099-01-01"],
        }, 11, env)
    ok = report("stats over 100,000 attempts (median of interleaved runs)", medians, "python -c pass",
                {"rabbit stats --json (100k attempts)": ("<=", 20)})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
