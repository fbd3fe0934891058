"""Options come in a new order at every attempt (seeded): the learner types the number shown, the
verdict and the log use the option's original number, the key and the explanation are numbered
as shown. Items whose options or explanations depend on the order keep it (`shuffle: false`)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quiz import answers, bank, session
from quiz.kinds import right_answer
from quiz.exercises import load_all
from quiz.optrefs import bare_references, renumber
from quiz.problems import BankError


def quiz(args, stdin="", **env):
    return subprocess.run([sys.executable, "-m", "quiz", "quiz", *args], input=stdin, capture_output=True,
                          text=True, env=dict(os.environ, **env), timeout=120)


def rows(home):
    db = sqlite3.connect(home / "rabbit.db")
    return db.execute("SELECT item_id, correct, answer, detail FROM attempts ORDER BY id").fetchall()


def test_the_order_is_seeded_reproducible_and_not_always_the_written_one():
    choice = [q for q in bank.load() if q.type == "choice" and q.shuffle]
    orders = {q.id: session.option_order(7, q.id, 4) for q in choice}
    assert orders == {q.id: session.option_order(7, q.id, 4) for q in choice}  # same seed, same order
    assert sum(o != (1, 2, 3, 4) for o in orders.values()) > len(choice) // 2
    # the key is not always at the same shown position
    assert len({session.shown_number(orders[q.id], q.answer) for q in choice}) == 4
    assert session.option_order(7, "x", 4, shuffle=False) == (1, 2, 3, 4)
    assert session.option_order(7, "x", 4, round_=1) != session.option_order(7, "x", 4) or \
        session.option_order(7, "x", 4, round_=2) != session.option_order(7, "x", 4)


def test_judged_by_the_original_option():
    q = next(q for q in bank.load() if q.type == "choice")
    order = (4, 3, 2, 1)  # option 4 shown first
    shown = str(order.index(q.answer) + 1)
    j = answers.judge(q, shown, order=order)
    assert j.correct and j.answer == str(q.answer)
    multi = next(q for q in bank.load() if q.type == "multi")
    order = tuple(reversed(range(1, len(multi.options) + 1)))
    typed = " ".join(str(order.index(a) + 1) for a in multi.answer)
    j = answers.judge(multi, typed, order=order)
    assert j.correct and j.answer == " ".join(map(str, sorted(multi.answer)))


def _pick(kind: str, seed: int):
    order = session.select(bank.load(), 3, None, None, seed)
    for i, q in enumerate(order):
        if q.type != kind:
            continue
        n = len(load_all()[q.exercise].options) if kind == "code" else len(q.options)
        key = load_all()[q.exercise].answer if kind == "code" else q.answer
        shown = session.option_order(seed, q.id, n, q.shuffle)
        if q.shuffle and shown.index(key) + 1 != key:  # the key moved
            return i, order, shown
    raise AssertionError(f"no {kind} item whose key moves under seed {seed}")


@pytest.mark.parametrize("kind", ["choice", "code"])
def test_quiz_shows_shuffled_options_and_records_the_original_number(rabbit_home, kind):
    seed = 31
    idx, order, shown = _pick(kind, seed)
    q = order[idx]
    exercises = load_all()
    key = exercises[q.exercise].answer if kind == "code" else q.answer
    lines = [line for item in order[:idx] for line in right_answer(item, exercises, seed)]
    typed = str(shown.index(key) + 1)
    out = quiz(["day3", "--count", str(idx + 1), "--seed", str(seed), "--json", "--lang", "en"],
               "\n".join(lines + [typed]) + "\n")
    summary = json.loads(out.stdout)
    assert summary["correct"] == idx + 1, out.stderr[-3000:]
    item, correct, answer, detail = rows(rabbit_home)[-1]
    assert item == q.id and correct == 1 and answer == str(key)  # the original number, as the bank has it
    assert json.loads(detail)["order"] == list(shown)
    card = out.stderr.split(f"· {idx + 1}/{idx + 1} ·")[1]
    option_text = exercises[q.exercise].options[key - 1] if kind == "code" else q.options[key - 1]["en"]
    assert f"  {typed}. {option_text.split()[0]}" in card  # the key's text is shown under the typed number
    explanation = (q.explanation.get("en") or exercises[q.exercise].explanation["en"]) if kind == "code" \
        else q.explanation["en"]
    for named in ("(option {})", "The answer is {}."):  # the explanation names the key as it was shown
        if named.format(key) in explanation:
            assert named.format(typed) in card.split("Explanation:")[1]
    # answering by the written number is now wrong, and the key is given in the shown numbering
    wrong = quiz(["day3", "--count", str(idx + 1), "--seed", str(seed), "--json", "--lang", "en"],
                 "\n".join(lines + [str(key)]) + "\n", RABBIT_HOME=str(rabbit_home.parent / "fresh"))
    last = json.loads(wrong.stdout)["items"][-1]
    assert last["correct"] is False
    assert f"Answer: {typed}. " in wrong.stderr.split(f"· {idx + 1}/{idx + 1} ·")[1]


def test_explanations_name_the_options_as_shown():
    order = (3, 1, 4, 2)  # original 3 shown as 1, 1 as 2, 4 as 3, 2 as 4
    assert renumber("正解は3。選択肢1は逆。選択肢2・4は誤り。", order) == "正解は1。選択肢2は逆。選択肢3・4は誤り。"
    assert renumber("The answer is 3 (option 3). Options 1, 2 and 4 are wrong.", order) == \
        "The answer is 1 (option 1). Options 2, 3 and 4 are wrong."
    assert renumber("選択肢1〜3はいずれも正しい。Options 1–3 are all correct.", order) == \
        "選択肢1・2・4はいずれも正しい。Options 1, 2 and 4 are all correct."
    assert renumber("選択肢3", (1, 2, 3, 4)) == "選択肢3"


def test_every_shuffled_item_can_be_renumbered_or_keeps_its_order():
    """An explanation that names options by bare number, or an option that refers to others,
    would lie once the options move: such items carry shuffle: false."""
    exercises = load_all()
    refers = ("上記", "以上のすべて", "すべて正しい", "いずれも正しい", "1と2", "1 と 2", "all of the above",
              "none of the above", "both 1", "1 and 2")
    for q in bank.load():
        if q.type not in ("choice", "multi", "code") or not q.shuffle:
            continue
        texts = [q.explanation.get(lang, "") for lang in ("ja", "en")]
        if q.type == "code":
            texts += [exercises[q.exercise].explanation.get(lang, "") for lang in ("ja", "en")]
        for t in texts:
            assert not bare_references(t), (q.id, bare_references(t))
        for opt in q.options:
            for lang in ("ja", "en"):
                assert not any(r in opt.get(lang, "") for r in refers), (q.id, opt)


def test_the_items_that_need_their_order_keep_it():
    keep = {q.id for q in bank.load() if not q.shuffle}
    assert {"d3.s3.gate-facts-multi", "d3.s4.suitable-tasks-multi", "d3.s5.vae-multi"} <= keep


def _own_bank(tmp_path, shuffle: bool) -> Path:
    import yaml

    d = tmp_path / f"bank-{shuffle}"
    d.mkdir()
    item = {"id": f"t.order.{shuffle}", "day": 4, "section": 98, "type": "choice", "source": "original",
            "prompt": {"ja": "どれ", "en": "which"}, "answer": 2, "explanation": {"ja": "選択肢2", "en": "option 2"},
            "options": [{"ja": w, "en": w} for w in ("alpha", "beta", "gamma", "delta")]}
    if not shuffle:
        item["shuffle"] = False
    (d / "q.yaml").write_text(yaml.safe_dump({"questions": [item]}, allow_unicode=True), encoding="utf-8")
    return d


@pytest.mark.parametrize("shuffle", [False, True])
def test_shuffle_false_keeps_the_written_order_in_the_quiz(tmp_path, monkeypatch, shuffle):
    monkeypatch.setenv("RABBIT_BANK", str(_own_bank(tmp_path, shuffle)))
    seen = set()
    for seed in range(1, 9):
        out = quiz(["day4", "--section", "98", "--seed", str(seed), "--lang", "en"], "")
        shown = tuple(w for ln in out.stdout.splitlines() for w in ("alpha", "beta", "gamma", "delta")
                      if ln.strip().endswith(f". {w}"))
        assert sorted(shown) == ["alpha", "beta", "delta", "gamma"], out.stdout
        seen.add(shown)
    if shuffle:
        assert len(seen) > 2
    else:
        assert seen == {("alpha", "beta", "gamma", "delta")}


def test_shuffle_field_is_validated(tmp_path):
    f = tmp_path / "q.yaml"
    f.write_text("""questions:
  - id: t.one
    day: 3
    section: 1
    type: choice
    source: original
    shuffle: "no"
    prompt: {ja: 問い, en: question}
    options: [{ja: a, en: a}, {ja: b, en: b}, {ja: c, en: c}, {ja: d, en: d}]
    answer: 1
    explanation: {ja: 解説, en: why}
  - id: t.two
    day: 3
    section: 1
    type: numeric
    source: original
    shuffle: false
    prompt: {ja: 問い, en: question}
    answer: 1
    explanation: {ja: 解説, en: why}
""", encoding="utf-8")
    with pytest.raises(BankError) as e:
        bank.load([Path(f)])
    text = str(e.value)
    assert "t.one.shuffle" in text and "true or false" in text
    assert "t.two.shuffle" in text and "unknown field" in text


def test_shuffle_false_is_not_a_change_of_the_question():
    q = next(q for q in bank.load() if q.id == "d3.s4.suitable-tasks-multi")
    assert q.content_hash == bank._item_hash({k: v for k, v in _raw(q).items() if k != "shuffle"})


def _raw(q):
    import yaml

    data = yaml.safe_load(Path(q.file).read_text(encoding="utf-8"))
    return next(r for r in data["questions"] if r["id"] == q.id)


def test_demo_answers_right_with_shuffled_options():
    out = subprocess.run([sys.executable, "-m", "quiz", "demo", "--lang", "en"], capture_output=True, text=True,
                         env=dict(os.environ), timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Result: 3/4 correct" in out.stdout  # three right, and one wrong on purpose to show the feedback
    assert "Mock exam #1: 6/8 correct" in out.stdout  # the short mock exam: two left unanswered on purpose
