"""quiz.jsoncache: the one read-or-compute-then-write cache the bank, the exercises and the section
names share."""

from __future__ import annotations

import json

import pytest

from quiz import jsoncache


class Counter:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _cached(name, fingerprint, compute):
    return jsoncache.cached(name, fingerprint, compute, encode=lambda v: {"v": v}, decode=lambda d: d["v"])


def test_a_second_read_of_the_same_content_is_not_computed_again(rabbit_home):
    compute = Counter([1, "二"])
    assert _cached("demo", "abc", compute) == [1, "二"]
    assert _cached("demo", "abc", compute) == [1, "二"]
    assert compute.calls == 1
    assert json.loads((rabbit_home / "cache" / "demo-abc.json").read_text(encoding="utf-8")) == {"v": [1, "二"]}


def test_new_content_replaces_the_old_entry_and_leaves_other_caches_alone(rabbit_home):
    _cached("demo", "old", Counter(1))
    _cached("other", "x", Counter(2))
    assert _cached("demo", "new", Counter(3)) == 3
    assert _files(rabbit_home) == ["cache/demo-new.json", "cache/other-x.json"]  # no temporary file left


def test_a_broken_entry_is_computed_again_and_rewritten(rabbit_home):
    (rabbit_home / "cache").mkdir(parents=True)
    entry = rabbit_home / "cache" / "demo-abc.json"
    for garbage in ("{not json", '{"w": 1}', "\xff"):
        entry.write_text(garbage, encoding="latin-1")
        compute = Counter(7)
        assert _cached("demo", "abc", compute) == 7 and compute.calls == 1
        assert json.loads(entry.read_text(encoding="utf-8")) == {"v": 7}


def test_a_failed_computation_propagates_and_writes_nothing(rabbit_home):
    def compute():
        raise ValueError("the bank has problems")

    with pytest.raises(ValueError, match="problems"):
        _cached("demo", "abc", compute)
    assert not (rabbit_home / "cache" / "demo-abc.json").exists()


def test_a_home_that_cannot_be_written_only_costs_speed(rabbit_home):
    rabbit_home.mkdir(parents=True, exist_ok=True)
    (rabbit_home / "cache").write_text("a file where the cache directory would go", encoding="utf-8")
    compute = Counter({"a": 1})
    assert _cached("demo", "abc", compute) == {"a": 1}
    assert _cached("demo", "abc", compute) == {"a": 1}
    assert compute.calls == 2
    assert _files(rabbit_home) == ["cache"]


def test_bank_exercises_and_sections_each_keep_one_entry_in_the_home(rabbit_home, tmp_path):
    from quiz import bank, exercises, sections

    before = {p for p in tmp_path.rglob("*") if p.is_file() and rabbit_home not in p.parents}
    questions = bank.load()
    exercises.load_all.cache_clear()
    sections.names.cache_clear()
    by_name = exercises.load_all()
    names = sections.names()
    cache = rabbit_home / "cache"
    for name in ("bank", "exercises", "sections"):
        assert len(list(cache.glob(f"{name}-*.json"))) == 1, name
    # the warm read gives the same items back
    assert [q.id for q in bank.load()] == [q.id for q in questions]
    exercises.load_all.cache_clear()
    sections.names.cache_clear()
    assert list(exercises.load_all()) == list(by_name)
    assert sections.names() == names and names[(3, 2)]["en"]
    after = {p for p in tmp_path.rglob("*") if p.is_file() and rabbit_home not in p.parents}
    assert after == before  # nothing written outside RABBIT_HOME
