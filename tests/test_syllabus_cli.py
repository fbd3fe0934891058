"""The syllabus as a learner uses it: `rabbit syllabus` shows the map with the bank's and the
learner's numbers, `rabbit quiz --topic` selects by it, `rabbit quiz math` / `ml` serve the course
stages before Day1, and `rabbit stats --by area` groups by the exam's four result areas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import datetime, timedelta, timezone

from quiz import bank, syllabus
from quiz.exercises import load_all


def rabbit(*args, stdin="", env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "quiz", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


def bank_counts() -> Counter:
    """How many bank items (questions but code items, which count as their exercise, and exercises) name each id."""
    counts: Counter = Counter()
    for q in bank.load():
        if q.type != "code":
            counts.update(set(q.syllabus))
    for ex in load_all().values():
        counts.update(set(ex.syllabus))
    return counts


def served(out: subprocess.CompletedProcess) -> list[str]:
    assert out.returncode in (0, 1), out.stderr
    return [i["id"] for i in json.loads(out.stdout[out.stdout.index("{"):])["items"]]


# ------------------------------------------------------------------ rabbit syllabus

def test_syllabus_json_lists_every_item_with_the_banks_counts():
    out = rabbit("syllabus", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["id"] for r in rows] == list(syllabus.load().topics)
    counts = bank_counts()
    assert {r["id"]: r["items"] for r in rows} == {i: counts.get(i, 0) for i in syllabus.load().topics}
    assert all(r["answered"] == 0 and r["accuracy"] is None and r["due"] == 0 for r in rows)
    gating = next(r for r in rows if r["id"] == "3-5-2")
    assert gating["area"] == "dl" and gating["name"]["en"] == "Gating" and gating["chapter"] == 3
    assert gating["status"] == "untouched"
    assert next(r for r in rows if r["id"] == "5-4-1")["area"] == "dev"


def _answered(ids) -> set:
    """What answering `ids` answers: a code item is its exercise's (one item, whose state is its outcome)."""
    by_id = {q.id: q for q in bank.load()}
    return {load_all()[by_id[i].exercise].id if by_id[i].type == "code" else i for i in ids}


def test_answers_show_up_under_their_syllabus_items_and_a_miss_makes_one_weak():
    ids = [q.id for q in bank.load() if "3-6-1" in q.syllabus]  # code items too: exercises carry ids
    assert ids
    out = rabbit("quiz", "--topic", "3-6-1", "--count", "all", "--seed", "1", "--json", stdin="?\n" * len(ids))
    assert sorted(served(out)) == sorted(ids)
    rows = {r["id"]: r for r in json.loads(rabbit("syllabus", "--json").stdout)}
    assert rows["3-6-1"]["answered"] == len(_answered(ids))
    assert rows["3-6-1"]["accuracy"] == 0.0 and rows["3-6-1"]["status"] == "weak"
    assert rows["3-6-1"]["due"] == 0  # a miss comes back for review soon, not this very second
    from quiz import topics
    from quiz.store import Store

    later = datetime.now(timezone.utc) + timedelta(days=2)
    due = {r["id"]: r["due"] for r in topics.by_topic(Store(), bank.load(), load_all(), syllabus.load(), now=later)}
    questions = {q.id for q in bank.load() if q.type != "code"}  # a code item's miss schedules no card of its own
    assert due["3-6-1"] == len(questions & set(ids)) and due["3-5-2"] == 0
    text = rabbit("syllabus", "--lang", "en").stdout
    assert "Chapter 3: Foundations of deep learning (Deep learning)" in text
    assert "weak" in text and "untouched" in text  # (every syllabus item has bank items: none says "no items yet")
    first_weak = next(r["id"] for r in rows.values() if r["status"] == "weak")  # rows: in the outline's order
    assert f"rabbit quiz --topic {first_weak}" in text  # a weak one is suggested before an untouched one


def test_syllabus_area_filter_and_its_error():
    rows = json.loads(rabbit("syllabus", "--json", "--area", "math").stdout)
    assert rows and {r["chapter"] for r in rows} == {1}
    bad = rabbit("syllabus", "--area", "physics", "--lang", "en")
    assert bad.returncode == 2 and "math, ml, dl, dev" in bad.stderr and "Traceback" not in bad.stderr


def test_looking_at_the_map_creates_no_database(rabbit_home):
    assert rabbit("syllabus", "--json").returncode == 0
    assert rabbit("syllabus").returncode == 0
    assert not (rabbit_home / "rabbit.db").exists()


def test_syllabus_json_does_not_import_numpy():
    code = ("import sys, runpy; sys.argv = ['rabbit', 'syllabus', '--json']\n"
            "try:\n    runpy.run_module('quiz', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('NUMPY' if 'numpy' in sys.modules else 'CLEAN', file=sys.stderr)")
    for _ in range(2):  # cold (caches written) and warm
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), timeout=120)
        assert out.stderr.strip().endswith("CLEAN"), out.stderr[-500:]


# ------------------------------------------------------------------ quiz --topic

def test_topic_by_id_by_prefix_repeated_and_comma_separated():
    questions = bank.load()

    def expected(*prefixes):
        return sorted(q.id for q in questions if any(i == p or i.startswith(p + "-") for i in q.syllabus for p in prefixes))

    by_id = served(rabbit("quiz", "--topic", "3-5-2", "--count", "all", "--seed", "2", "--json", stdin="?\n" * 200))
    assert by_id and sorted(by_id) == expected("3-5-2")
    by_prefix = served(rabbit("quiz", "--topic", "3-5", "--count", "all", "--seed", "2", "--json", stdin="?\n" * 300))
    assert sorted(by_prefix) == expected("3-5") and set(by_id) < set(by_prefix)
    both = served(rabbit("quiz", "--topic", "4-6-3,3-6-1", "--topic", "4-5", "--count", "all", "--seed", "2", "--json",
                         stdin="?\n" * 80))
    assert sorted(both) == expected("4-6-3", "3-6-1", "4-5")
    with_day = served(rabbit("quiz", "day4", "--topic", "3-4", "--count", "all", "--seed", "2", "--json", stdin="?\n" * 50))
    assert with_day and sorted(with_day) == sorted(q.id for q in questions if q.day == 4 and any(
        i.startswith("3-4-") for i in q.syllabus))


def test_a_topic_that_matches_nothing_is_a_usage_error_naming_rabbit_syllabus():
    for value in ("3-5-9", "7", "gating"):
        out = rabbit("quiz", "--topic", value, "--lang", "en")
        assert out.returncode == 2, out
        assert "rabbit syllabus" in out.stderr and value in out.stderr and "Traceback" not in out.stderr
    ja = rabbit("quiz", "--topic", "3-5-9")
    assert ja.returncode == 2 and "rabbit syllabus" in ja.stderr and "シラバス" in ja.stderr


def test_a_topic_with_no_questions_yet_says_so(monkeypatch):
    # the shipped bank has items for every syllabus id now: take 5-4-1's away
    from typer.testing import CliRunner

    from quiz.cli import app

    real = bank.load
    monkeypatch.setattr(bank, "load", lambda *a, **k: [q for q in real(*a, **k) if "5-4-1" not in q.syllabus])
    out = CliRunner().invoke(app, ["quiz", "--topic", "5-4-1", "--lang", "en"])
    assert out.exit_code == 2 and "no questions for --topic 5-4-1" in out.output and "rabbit syllabus" in out.output


# ------------------------------------------------------------------ the course stages

STAGE_BANK = """\
questions:
  - id: math.s8.bayes-fixture
    stage: math
    section: 8
    syllabus: [1-2-4]
    type: numeric
    source: original
    prompt: {ja: "P(A)=0.5, P(B|A)=0.2, P(B)=0.25 のとき P(A|B) は?", en: "P(A)=0.5, P(B|A)=0.2, P(B)=0.25: P(A|B)?"}
    answer: 0.4
    tolerance: 0.001
    explanation: {ja: "0.2×0.5/0.25 = 0.4", en: "0.2×0.5/0.25 = 0.4"}
  - id: math.s8.entropy-fixture
    stage: math
    section: 8
    syllabus: [1-3-1]
    type: numeric
    source: original
    prompt: {ja: "公平なコインのエントロピー (bit) は?", en: "Entropy of a fair coin in bits?"}
    answer: 1
    explanation: {ja: "-2×0.5 log2 0.5 = 1", en: "-2×0.5 log2 0.5 = 1"}
  - id: ml.s9.odds-fixture
    stage: ml
    section: 9
    syllabus: [2-1-5]
    type: numeric
    source: original
    prompt: {ja: "確率 0.8 のオッズは?", en: "The odds of a probability of 0.8?"}
    answer: 4
    tolerance: 0.001
    explanation: {ja: "0.8/0.2 = 4", en: "0.8/0.2 = 4"}
"""


def stage_bank(tmp_path) -> dict:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "stages.yaml").write_text(STAGE_BANK, encoding="utf-8")
    return {"RABBIT_BANK": str(mine)}


def test_stage_sections_are_named_as_the_course_names_them():
    from quiz.sections import section_label

    assert section_label(-2, 2, "en") == "Applied math S2 Probability and statistics"
    assert section_label(-2, 1, "ja") == "応用数学 S1 線形代数"
    assert section_label(-1, 3, "ja") == "機械学習 S3 ロジスティック回帰"
    assert section_label(-1, 7, "en") == "Machine learning S7 Foundations and evaluation"


def test_quiz_math_and_ml_serve_their_stage_and_stats_show_it(tmp_path):
    env = stage_bank(tmp_path)
    out = rabbit("quiz", "math", "--section", "8", "--count", "all", "--seed", "4", "--json", "--lang", "en",
                 stdin="?\n?\n", env_extra=env)
    assert sorted(served(out)) == ["math.s8.bayes-fixture", "math.s8.entropy-fixture"]
    shown = out.stderr + out.stdout
    assert "Applied math S8" in shown and "Day-2" not in shown
    assert "rabbit quiz math --section 8 --count all --seed 4" in shown
    ml = rabbit("quiz", "ml", "--section", "9", "--seed", "4", stdin="4\n", env_extra=env)
    assert ml.returncode == 0, ml.stderr
    assert "機械学習 S9" in ml.stderr + ml.stdout
    every = served(rabbit("quiz", "math", "--count", "all", "--seed", "4", "--json", stdin="?\n" * 200, env_extra=env))
    stage_ids = sorted(q.id for q in bank.load(bank.default_paths() + [tmp_path / "mine"]) if q.day == -2)
    assert sorted(every) == stage_ids and all(i.startswith("math.") for i in every)
    stats = json.loads(rabbit("stats", "--json", env_extra=env).stdout)
    rows = {(r["stage"], r["section"]): r for r in stats["sections"]}
    assert rows[("ml", 9)]["seen"] == 1 and rows[("ml", 9)]["accuracy"] == 1.0
    assert rows[("math", 8)]["seen"] == 2 and ("day3", 1) in rows
    order = [r["stage"] for r in stats["sections"]]
    assert order.index("ml") > order.index("math") and order.index("day1") > order.index("ml")  # course order
    table = rabbit("stats", "--lang", "en", env_extra={**env, "COLUMNS": "200"}).stdout
    assert "Applied math S8" in table and "Machine learning S9" in table
    only = json.loads(rabbit("stats", "math", "--json", env_extra=env).stdout)
    assert {r["stage"] for r in only["sections"]} == {"math"}


def test_quiz_math_with_nothing_to_serve_says_so(tmp_path):
    out = rabbit("quiz", "math", "--section", "42", "--lang", "en", env_extra=stage_bank(tmp_path))
    assert out.returncode == 2
    assert "no Applied math questions S42 yet" in out.stderr and "rabbit quiz math" in out.stderr


def line_of(path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln)


def test_a_stage_item_needs_exactly_one_of_day_and_stage_and_an_id_of_its_stage(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(STAGE_BANK.replace("    stage: math\n    section: 8\n", "    stage: math\n    day: 3\n    section: 8\n", 1)
                 .replace("id: math.s8.entropy-fixture", "id: d1.entropy-fixture")
                 .replace("stage: ml", "stage: physics"), encoding="utf-8")
    out = rabbit("bank", "validate", str(f))
    assert out.returncode == 2
    assert f"{f}:{line_of(f, 'stage: math')}: math.s8.bayes-fixture.day: give exactly one of day: 1-4 or stage: math|ml" in out.stderr
    assert f"{f}:{line_of(f, 'd1.entropy-fixture')}: d1.entropy-fixture.id: an id of a math item starts with math." in out.stderr
    assert f"{f}:{line_of(f, 'physics')}: ml.s9.odds-fixture.stage: expected one of math, ml, got 'physics'" in out.stderr


def test_bad_day_names_the_stages():
    out = rabbit("quiz", "day9", "--lang", "en")
    assert out.returncode == 2 and "math" in out.stderr and "ml" in out.stderr


# ------------------------------------------------------------------ stats --by area

def test_stats_by_area_groups_by_the_four_result_areas():
    first = json.loads(rabbit("stats", "--by", "area", "--json").stdout)
    assert [a["area"] for a in first["areas"]] == ["math", "ml", "dl", "dev"]
    assert [a["name"]["ja"] for a in first["areas"]] == ["応用数学", "機械学習", "深層学習", "開発環境"]
    dl_items = {q.id for q in bank.load() if q.type != "code" and any(i[0] in "34" for i in q.syllabus)} | {
        ex.id for ex in load_all().values() if any(i[0] in "34" for i in ex.syllabus)}
    assert first["areas"][2]["items"] == len(dl_items) and first["areas"][2]["answered"] == 0
    ids = [q.id for q in bank.load() if "3-6-1" in q.syllabus]
    rabbit("quiz", "--topic", "3-6-1", "--count", "all", "--seed", "1", stdin="?\n" * len(ids))
    after = {a["area"]: a for a in json.loads(rabbit("stats", "--by", "area", "--json").stdout)["areas"]}
    assert after["dl"]["answered"] == len(_answered(ids)) and after["dl"]["accuracy"] == 0.0
    assert after["math"]["answered"] == 0
    table = rabbit("stats", "--by", "area", "--lang", "en", env_extra={"COLUMNS": "200"}).stdout
    assert "Applied mathematics" in table and "Development environment" in table
    bad = rabbit("stats", "--by", "chapter", "--lang", "en")
    assert bad.returncode == 2 and "--by must be section or area" in bad.stderr


def test_syllabus_json_takes_the_fast_path_and_says_the_same():
    """rabbit syllabus --json skips typer (speed), and prints what the full command prints."""
    from typer.testing import CliRunner

    from quiz.cli import app

    fast = subprocess.run([sys.executable, "-X", "importtime", "-m", "quiz", "syllabus", "--json", "--area", "ml"],
                          capture_output=True, text=True)
    assert fast.returncode == 0, fast.stderr
    assert "typer" not in fast.stderr and "rich" not in fast.stderr.replace("rabbit", "")
    full = CliRunner().invoke(app, ["syllabus", "--json", "--area", "ml"])
    assert json.loads(fast.stdout) == json.loads(full.stdout) and json.loads(fast.stdout)
    bad = subprocess.run([sys.executable, "-m", "quiz", "syllabus", "--json", "--area", "chem"], capture_output=True, text=True)
    assert bad.returncode == 2 and "chem" in bad.stderr and "Traceback" not in bad.stderr
