"""The course stages (math, ml) and the syllabus where a learner meets them: bank list names
a stage as `math` / `ml` (never day -2 / -1) and takes `--day math|ml`; TAB offers them, the
syllabus command and its areas; and stats and syllabus say how many generators are mastered
(three fresh variants right in a row)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from quiz import bank
from quiz.store import Attempt, Store


def _bash_complete(rabbit_exe, words: list[str]) -> list[str]:
    """What TAB offers in a real bash that sourced `rabbit completion bash`, for the last word."""
    if shutil.which("bash") is None:
        pytest.fail("bash is needed to test bash completion")
    script = (f'eval "$("{rabbit_exe}" completion bash)"\n'
              f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
              f"COMP_CWORD={len(words) - 1}\n"
              f'_rabbit_completion "{rabbit_exe}"\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, "RABBIT_LANG": "en"})
    assert r.returncode == 0, r.stderr
    return [w for w in r.stdout.splitlines() if w]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True,
                          env=dict(os.environ), timeout=120, stdin=subprocess.DEVNULL)


# ------------------------------------------------------------------------------- bank list

@pytest.mark.parametrize("stage, number", [("math", -2), ("ml", -1)])
def test_bank_list_selects_a_stage_and_names_it(stage, number):
    out = cli("bank", "list", "--day", stage, "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    expected = {q.id: q for q in bank.load() if q.day == number}
    assert rows and {r["id"] for r in rows} == set(expected)
    for r in rows:
        assert r["stage"] == stage and r["syllabus"] == list(expected[r["id"]].syllabus) and r["syllabus"]
    table = cli("bank", "list", "--day", stage, "--lang", "en").stdout
    assert f" {stage} " in table and " -2 " not in table and " -1 " not in table


def test_bank_list_json_names_the_stage_of_a_day_item_too():
    rows = json.loads(cli("bank", "list", "--day", "day3", "--json").stdout)
    assert rows and all(r["stage"] == "day3" and r["day"] == 3 for r in rows)


def test_bank_list_with_an_unknown_stage_names_every_accepted_form():
    out = cli("bank", "list", "--day", "physics", "--lang", "en")
    assert out.returncode == 2 and out.stdout == "" and "Traceback" not in out.stderr
    for word in ("--day", "day1-day4", "1-4", "math", "ml", "'physics'"):
        assert word in out.stderr


# ------------------------------------------------------------------------------- completion

def test_tab_offers_the_stages_beside_the_days(rabbit_exe):
    assert _bash_complete(rabbit_exe, ["rabbit", "quiz", ""]) == ["day1", "day2", "day3", "day4", "math", "ml"]
    assert _bash_complete(rabbit_exe, ["rabbit", "quiz", "m"]) == ["math", "ml"]
    assert _bash_complete(rabbit_exe, ["rabbit", "stats", "ma"]) == ["math"]
    assert _bash_complete(rabbit_exe, ["rabbit", "bank", "list", "--day", "m"]) == ["math", "ml"]


def test_tab_offers_the_syllabus_command_and_its_areas(rabbit_exe):
    assert _bash_complete(rabbit_exe, ["rabbit", "sy"]) == ["syllabus"]
    assert _bash_complete(rabbit_exe, ["rabbit", "syllabus", "--area", ""]) == ["math", "ml", "dl", "dev"]
    assert _bash_complete(rabbit_exe, ["rabbit", "syllabus", "--area", "d"]) == ["dl", "dev"]


# ------------------------------------------------------------------------------- mastery

def _answer(item_id: str, correct: bool, variant: int | None) -> None:
    Store().record(Attempt(item_id=item_id, kind="question", correct=correct, answer="1",
                           detail={"variant": variant} if variant is not None else None))


def _section_row(stats: dict, q) -> dict:
    return next(r for r in stats["sections"] if (r["day"], r["section"]) == (q.day, q.section))


def _topic_rows(q) -> list[dict]:
    out = cli("syllabus", "--json")
    assert out.returncode == 0, out.stderr
    return [r for r in json.loads(out.stdout) if r["id"] in q.syllabus]


def test_stats_and_syllabus_count_the_generators_mastered_after_three_fresh_variants_right():
    q = next(q for q in bank.load() if q.id == "gen.affine-params")
    in_section = [x for x in bank.load() if x.type == "generated" and (x.day, x.section) == (q.day, q.section)]
    _answer(q.id, False, 1)
    _answer(q.id, True, 2)
    _answer(q.id, True, 3)
    row = _section_row(json.loads(cli("stats", "--json").stdout), q)
    assert row["generators"] == len(in_section) and row["generators_mastered"] == 0  # two in a row is not yet
    assert all(r["generators"] >= 1 and r["generators_mastered"] == 0 for r in _topic_rows(q))

    _answer(q.id, True, 4)
    row = _section_row(json.loads(cli("stats", "--json").stdout), q)
    assert row["generators_mastered"] == 1
    topics = _topic_rows(q)
    assert topics and all(r["generators_mastered"] == 1 for r in topics)
    table = cli("stats", "--lang", "en").stdout
    assert f"1/{len(in_section)}" in table and "three fresh variants" in table

    _answer(q.id, True, 4)  # the same variant again is not fresh: no longer three fresh in a row
    assert _section_row(json.loads(cli("stats", "--json").stdout), q)["generators_mastered"] == 0


def test_stats_and_syllabus_give_generator_counts_without_a_record_and_import_no_numpy(rabbit_home):
    generated = [q for q in bank.load() if q.type == "generated"]
    rows = json.loads(cli("syllabus", "--json").stdout)
    assert sum(r["generators"] for r in rows) >= len(generated)  # an item counts under each of its ids
    assert all(r["generators_mastered"] == 0 for r in rows)
    assert not (rabbit_home / "rabbit.db").exists()
    _answer(generated[0].id, True, 1)
    for args in (("stats", "--json"), ("syllabus", "--json")):
        out = subprocess.run([sys.executable, "-X", "importtime", "-m", "quiz", *args], capture_output=True,
                             text=True, env=dict(os.environ), timeout=120, stdin=subprocess.DEVNULL)
        assert out.returncode == 0
        assert not [ln for ln in out.stderr.splitlines() if ln.rstrip().endswith(" numpy")], args
