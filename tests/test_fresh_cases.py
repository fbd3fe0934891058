"""Answers cannot be memorised.

The public cases are rebuilt by anyone from the YAML seeds and the shipped reference engine; a
pass also needs fresh cases drawn for every submission from a secret seed the box never sees,
recorded with the attempt so the verdict can be replayed, and their feedback never shows values.
"""

import json
import os
import subprocess
import sys

import pytest

from quiz import grading
from quiz.grading import cachekey, cases, casecache, freshcases
from quiz.exercises import load_all

RIGHT = "input_gate * a + forget_gate * prev_c"
WRONG = "input_gate * a - forget_gate * prev_c"

# A submission that computes nothing: the expected (c, h) of every public case, built offline from
# the shipped seeds and the reference engine, returned by matching the input x.
LOOKUP = '''
import numpy as np

TABLE = {table!r}


def lstm(x, prev_h, prev_c, W, U, b):
    for key, c, h in TABLE:
        k = np.array(key)
        if k.shape == x.shape and np.allclose(k, x):
            return np.array(c), np.array(h)
    return np.zeros(prev_c.shape), np.zeros(prev_h.shape)
'''


def lstm():
    return load_all()["lstm"]


def lookup_table_source(ex) -> str:
    case_list = cases.build_cases(ex)
    table = [(dict(c.args)["x"].tolist(), c_out.tolist(), h_out.tolist())
             for c, (c_out, h_out) in zip(case_list, cases.expected(ex, case_list))]
    return LOOKUP.format(table=table)


def rabbit(*args):
    env = dict(os.environ, RABBIT_LANG="en")
    return subprocess.run([sys.executable, "-m", "quiz", *args], capture_output=True, text=True, env=env, timeout=120)


def submissions() -> list[dict]:
    out = rabbit("export", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = [a for a in json.loads(out.stdout)["attempts"] if a["kind"] == "exercise"]
    return [json.loads(a["detail"]) if isinstance(a["detail"], str) else a["detail"] for a in rows]


def pool() -> dict[str, int]:
    """The pooled bundles of lstm: file name -> the secret seed inside."""
    directory = freshcases.pool_dir(lstm())
    names = sorted(p.name for p in directory.glob("*" + freshcases.SUFFIX)) if directory.is_dir() else []
    return {n: casecache.parse(freshcases.unseal((directory / n).read_bytes())).seed for n in names}


def test_a_lookup_table_of_the_public_cases_does_not_pass():
    ex = lstm()
    source = lookup_table_source(ex)
    verdict = grading.grade(ex, source)
    assert not verdict.passed
    assert verdict.passed_public == verdict.public_cases == 5  # the table knows every public case
    assert verdict.fresh_cases >= 3 and verdict.passed_fresh == 0
    assert {c.kind for c in verdict.failed} == {"fresh"}


def test_a_correct_submission_passes_public_and_fresh_cases():
    ex = lstm()
    verdict = grading.grade(ex, grading.fill(ex, RIGHT), answer=RIGHT)
    assert verdict.passed, verdict.to_dict()
    assert verdict.passed_cases == verdict.cases == verdict.public_cases + verdict.fresh_cases
    assert verdict.passed_fresh == verdict.fresh_cases >= 3
    assert isinstance(verdict.private_seed, int) and 0 <= verdict.private_seed < 2**64


def test_the_seed_is_recorded_and_replaying_it_reproduces_the_verdict():
    out = rabbit("submit", "lstm", "--answer", WRONG, "--json")
    assert out.returncode == 1, out.stderr
    shown = json.loads(out.stdout)
    (detail,) = submissions()
    seed = detail["private_seed"]
    assert isinstance(seed, int)
    ex = lstm()
    again = grading.replay(ex, grading.fill(ex, WRONG), seed, answer=WRONG)
    assert again.private_seed == seed
    assert [c.name for c in again.failed] == detail["failed"] == [c["name"] for c in shown["failed"]]
    assert [(c.kind, c.reason, c.output, c.rel_error, c.hint) for c in again.failed] == [
        (c["kind"], c["reason"], c["output"], c["rel_error"], c["hint"]) for c in shown["failed"]]
    assert again.passed_cases == detail["passed_cases"] == shown["passed_cases"]
    # and a lookup table that passed nothing fresh under this seed still passes nothing
    assert grading.replay(ex, lookup_table_source(ex), seed).passed_fresh == 0


def test_two_submissions_get_different_fresh_seeds():
    for _ in range(2):
        assert rabbit("submit", "lstm", "--answer", RIGHT).returncode == 0
    seeds = [d["private_seed"] for d in submissions()]
    assert len(seeds) == 2 and seeds[0] != seeds[1]


def _digits(s: str) -> int:
    return len(s.split("e")[0].replace("-", "").replace(".", "").lstrip("0"))


def _without_public_cases(stdout: str, json_out: bool) -> str:
    if json_out:
        doc = json.loads(stdout)
        doc["failed"] = [c for c in doc["failed"] if c["kind"] != "public"]
        return json.dumps(doc)
    return "\n".join(line for line in stdout.splitlines() if not line.startswith("case “"))


@pytest.mark.parametrize("json_out", [False, True])
def test_feedback_on_fresh_cases_never_shows_expected_values(json_out):
    ex = lstm()
    # wrong in every case, and by a constant factor: the kind of answer that used to learn values
    answer = f"2 * ({RIGHT})"
    out = rabbit("submit", "lstm", "--answer", answer, "--lang", "en", *(["--json"] if json_out else []))
    assert out.returncode == 1, out.stderr
    (detail,) = submissions()
    fresh = freshcases.compute(ex, detail["private_seed"])
    # public cases show their values by design, and a public value can share four digits with a
    # fresh one by chance: search only what is said about fresh cases
    text = _without_public_cases(out.stdout, json_out).replace(str(detail["private_seed"]), "")
    assert "fresh case" in text and "relative" in text and "about 2 times" in text
    checked = 0
    for values in fresh.expected:
        for arr in values:
            for v in arr.data:
                for shown in {f"{v:.4g}", f"{v:.6g}", f"{abs(v):.4g}", repr(v)}:
                    if _digits(shown) >= 4:
                        assert shown not in text, f"expected value {shown} shown on a fresh case"
                        checked += 1
    assert checked > 50
    if json_out:
        failed = json.loads(out.stdout)["failed"]
        assert {c["kind"] for c in failed} == {"public", "fresh"}
        for c in failed:
            if c["kind"] == "fresh":
                assert c["expected_value"] is None and c["max_diff"] is None and c["where"] is None


def test_the_pool_is_never_reused():
    assert rabbit("submit", "lstm", "--answer", WRONG).returncode == 1  # the first one fills the pool
    before = pool()
    assert len(before) >= freshcases.LOW
    used = []
    for _ in range(2):
        assert rabbit("submit", "lstm", "--answer", WRONG).returncode == 1
        after = pool()
        gone = set(before) - set(after)
        assert len(gone) == 1 and set(after) <= set(before)  # one bundle consumed, and deleted
        used.append(before[gone.pop()])
        before = after
    seeds = [d["private_seed"] for d in submissions()]
    assert seeds[1:] == used and used[0] != used[1]


def test_a_forged_pool_bundle_is_rejected_and_rabbit_draws_its_own(tmp_path):
    ex = lstm()
    assert rabbit("submit", "lstm", "--answer", WRONG).returncode == 1  # makes the pool
    directory = freshcases.pool_dir(ex)
    for path in directory.glob("*" + freshcases.SUFFIX):
        path.unlink()
    # "fresh" cases that are the public ones again, under a tag made without rabbit's key
    raw = cases.bundle_bytes(ex, cases.build_cases(ex)[:3], seed=1234)
    forged = directory / ("0" * 16 + freshcases.SUFFIX)
    forged.write_bytes(cachekey.MAGIC + b"\0" * cachekey.TAG + os.urandom(freshcases.NONCE) + raw)
    source = tmp_path / "lookup.py"
    source.write_text(lookup_table_source(ex), encoding="utf-8")
    out = rabbit("submit", "lstm", "--file", str(source), "--json")
    assert out.returncode == 1, out.stdout
    assert not forged.exists()
    seed = submissions()[-1]["private_seed"]
    assert seed != 1234
    assert json.loads(out.stdout)["passed_fresh"] == 0
