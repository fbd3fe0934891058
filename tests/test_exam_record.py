"""The mock exam's record: rabbit exams shows the trend (each completed exam's change against the
previous one), rabbit stats shows the last exam, and with an exam date the readiness estimate
pools the last mocks per area beside the published averages. Real piped exams with known right
and wrong answers; every figure is computed here from what was answered."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

from typer.testing import CliRunner

from quiz import bank, kinds, syllabus
from quiz.cli import app
from quiz.exam.result import PUBLISHED
from quiz.progress import sparkline, verdict
from quiz.store import Store

runner = CliRunner()
AREAS = ("math", "ml", "dl", "dev")


def _right(q, seed: int) -> str:
    from quiz.exercises import load_all

    return kinds.right_answer(q, load_all(), seed)[0]  # a code item's key is its exercise's


def _wrong(q, seed: int) -> str:
    """A valid answer that is not the key: another option where there are options, else a far-off number."""
    served = kinds.of(q).serve(q, seed, 0)
    if q.type in ("choice", "multi", "code") or getattr(served, "options", None):
        return next(x for x in "1234" if x != _right(q, seed))
    return "-98765"


def _json(stdout: str) -> dict:
    return json.loads(stdout[stdout.index("{\n"):])


def _start(count: int, seed: int) -> dict:
    """An exam started and paused at once (no input): its row, with the items it drew."""
    r = runner.invoke(app, ["exam", "--count", str(count), "--seed", str(seed), "--lang", "en", "--json"], input="")
    assert r.exit_code == 1, r.output
    return Store().exam_get(_json(r.stdout)["id"])


def sit(count: int, seed: int, right) -> dict:
    """Sit an exam, answering item k right when right(k), else wrong; returns what the test
    expects of it (score and areas, from the answers given) beside what the exam reported."""
    row = _start(count, seed)
    questions = {q.id: q for q in bank.load()}
    topics = syllabus.load().topics
    items = [questions[i] for i in row["items"]]
    lines = [_right(q, seed) if right(k) else _wrong(q, seed) for k, q in enumerate(items)]
    r = runner.invoke(app, ["exam", "--resume", "--lang", "en", "--json"], input="".join(f"{x}\n" for x in lines + ["end"]))
    assert r.exit_code == 0, r.output
    out = _json(r.stdout)
    assert [i["correct"] for i in out["items"]] == [bool(right(k)) for k in range(len(items))]  # the answers went in as meant
    areas = {a: {"correct": 0, "asked": 0} for a in AREAS}
    for k, q in enumerate(items):
        area = topics[q.syllabus[0]].area
        areas[area]["asked"] += 1
        areas[area]["correct"] += bool(right(k))
    correct = sum(bool(right(k)) for k in range(len(items)))
    assert out["correct"] == correct
    return {"id": out["id"], "score": out["score"], "correct": correct, "asked": len(items), "areas": areas,
            "rate": correct / len(items)}


def _exams() -> list[dict]:
    r = runner.invoke(app, ["exams", "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _stats(*args) -> dict:
    r = runner.invoke(app, ["stats", "--json", *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_exams_gives_each_completed_exam_its_change_and_paused_ones_take_no_part(rabbit_home):
    first = sit(5, 1, lambda k: k == 0)
    paused = _start(4, 2)
    second = sit(5, 3, lambda k: k != 0)
    third = sit(5, 4, lambda k: k < 2)
    listed = _exams()
    assert isinstance(listed, list) and [e["id"] for e in listed] == [first["id"], paused["id"], second["id"], third["id"]]
    assert [e["state"] for e in listed] == ["completed", "paused", "completed", "completed"]
    for e in listed:  # the keys scripts relied on are still there
        assert {"id", "started", "state", "minutes", "asked", "score", "time_used", "areas", "change"} <= set(e)
    want = [None, None, round(100 * second["score"] - 100 * first["score"], 1),
            round(100 * third["score"] - 100 * second["score"], 1)]
    assert [e["change"] for e in listed] == want
    # the scores are those answered: 1, 4 and 2 right of 5
    assert [first["rate"], second["rate"], third["rate"]] == [e["score"] for e in listed if e["state"] == "completed"]

    text = runner.invoke(app, ["exams", "--lang", "en"]).output
    rows = {int(line.split()[0]): line for line in text.splitlines() if line[:1].isdigit()}
    assert f"{want[2]:+.0f} pt" in rows[second["id"]] and f"{want[3]:+.0f} pt" in rows[third["id"]]
    assert " pt" not in rows[first["id"]] and " pt" not in rows[paused["id"]]
    scores = [100 * x["score"] for x in (first, second, third)]
    spark = sparkline([round(s) for s in scores], top=100)
    net = scores[-1] - scores[0]
    direction = "rising" if net > 0 else "falling" if net < 0 else "flat"
    assert (f"Scores over time (3 completed): {spark} {scores[0]:.0f}% → {scores[-1]:.0f}% · "
            f"last 3: {net:+.0f} pt ({direction})") in text
    assert "Paused exams take no part in the trend" in text
    ja = runner.invoke(app, ["exams"]).output
    assert "前回比" in ja and f"得点の推移 (完了 3 回): {spark}" in ja


def test_one_completed_exam_has_no_change_and_says_there_is_nothing_to_compare(rabbit_home):
    only = sit(4, 5, lambda k: k % 2 == 0)
    assert [e["change"] for e in _exams()] == [None]
    text = runner.invoke(app, ["exams", "--lang", "en"]).output
    assert f"Scores over time: {sparkline([round(100 * only['score'])], top=100)} {100 * only['score']:.0f}%" in text
    assert "only one completed exam" in text


def test_stats_shows_the_last_completed_exam_beside_the_published_averages(rabbit_home):
    runner.invoke(app, ["quiz", "day3", "--count", "1", "--seed", "1"], input="1\n")
    assert _stats()["last_exam"] is None
    assert "Last mock exam" not in runner.invoke(app, ["stats", "--lang", "en"]).output
    sit(5, 6, lambda k: True)
    last = sit(6, 7, lambda k: k % 3 == 0)
    _start(3, 8)  # a paused exam after it is not the last completed one
    got = _stats()["last_exam"]
    assert got["id"] == last["id"] and got["score"] == last["score"] and got["date"] == date.today().isoformat()
    assert [a["area"] for a in got["areas"]] == list(AREAS)
    for a in got["areas"]:
        mine = last["areas"][a["area"]]
        assert (a["correct"], a["asked"]) == (mine["correct"], mine["asked"])
        assert a["rate"] == (round(100 * mine["correct"] / mine["asked"], 1) if mine["asked"] else None)
        assert a["published"] == PUBLISHED["areas"][a["area"]]
    text = runner.invoke(app, ["stats", "--lang", "en"]).output  # no exam date: the block is there all the same
    assert f"Last mock exam #{last['id']} ({got['date']}): {round(100 * last['score'])}% ({last['correct']}/{last['asked']} correct)" in text
    for a in got["areas"]:
        if a["asked"]:
            assert f"({a['correct']}/{a['asked']}) · average {a['published']:.0f}%" in text
    assert f"rabbit exam --review {last['id']}" in text
    assert "Readiness from your mock exams" not in text
    ja = runner.invoke(app, ["stats"]).output
    assert f"前回の模試 #{last['id']}" in ja and "平均" in ja


def _pooled(exams: list[dict]) -> dict:
    out = {a: {"correct": 0, "asked": 0} for a in AREAS}
    for e in exams:
        for a in AREAS:
            out[a]["correct"] += e["areas"][a]["correct"]
            out[a]["asked"] += e["areas"][a]["asked"]
    return out


def test_readiness_pools_the_last_three_mocks_per_area_with_their_standard_error(rabbit_home):
    soon = (date.today() + timedelta(days=30)).isoformat()
    runner.invoke(app, ["quiz", "day3", "--count", "1", "--seed", "1"], input="1\n")
    before = _stats("--exam-date", soon)["readiness"]
    assert before is not None and before["mock"] is None  # no mock: readiness as it was
    assert "Readiness from your mock exams" not in runner.invoke(app, ["stats", "--exam-date", soon, "--lang", "en"]).output
    sat = [sit(8, 10, lambda k: False), sit(8, 11, lambda k: k % 2 == 0), sit(8, 12, lambda k: k < 6),
           sit(8, 13, lambda k: k != 3)]
    mock = _stats("--exam-date", soon)["readiness"]["mock"]
    assert mock["exams"] == [e["id"] for e in sat[-3:]]  # the first exam is left out
    pooled = _pooled(sat[-3:])
    assert mock["asked"] == sum(p["asked"] for p in pooled.values()) == 24
    for a in mock["areas"]:
        mine = pooled[a["area"]]
        n, c = mine["asked"], mine["correct"]
        assert (a["correct"], a["asked"]) == (c, n)
        assert a["published"] == PUBLISHED["areas"][a["area"]]
        if n:
            p = c / n
            assert a["rate"] == round(100 * p, 1) and a["se"] == round(100 * math.sqrt(p * (1 - p) / n), 1)
            err = max(math.sqrt(p * (1 - p) / n), math.sqrt(a["published"] / 100 * (1 - a["published"] / 100) / n))
            gap = p - a["published"] / 100
            assert a["verdict"] == ("above" if gap > 2 * err else "below" if gap < -2 * err else "near")
        else:
            assert a["rate"] is None and a["verdict"] is None
    en = runner.invoke(app, ["stats", "--exam-date", soon, "--lang", "en"]).output
    ja = runner.invoke(app, ["stats", "--exam-date", soon]).output
    assert "Readiness from your mock exams (the last 3, 24 questions" in en
    assert "How it is used" in en and "√(p(1−p)/n)" in en
    assert "使い方" in ja and "√(p(1−p)/n)" in ja
    names = syllabus.load().areas
    words = {"above": ("above the average", "平均より上"), "near": ("near the average", "平均並み"),
             "below": ("below the average", "平均より下")}
    for a in mock["areas"]:
        if not a["asked"]:
            continue
        assert (f"{names[a['area']]['en']} {a['rate']:.0f} % ± {a['se']:.0f} ({a['asked']} q.) · "
                f"average {a['published']:.0f} % → {words[a['verdict']][0]}") in en
        assert (f"{names[a['area']]['ja']} {a['rate']:.0f} % ± {a['se']:.0f} ({a['asked']}問) · "
                f"平均 {a['published']:.0f} % → {words[a['verdict']][1]}") in ja


def test_a_few_questions_never_make_a_verdict_certain():
    assert verdict(0, 2, 61.14) == "near"  # 0 of 2 has no spread of its own, the average's error still counts
    assert verdict(2, 2, 61.14) == "near"
    assert verdict(0, 30, 61.14) == "below" and verdict(30, 30, 61.14) == "above"
    assert verdict(0, 0, 61.14) is None
