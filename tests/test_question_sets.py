"""Question sets: three or four items about one shared context, as the exam asks them.

A bank author writes the context once (`sets:` in a question file); rabbit checks the set as
strictly as any item (file, line, field), serves its items together and in order with the
context above the first, and counts a change of the context as a change of every item.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz import bank, qsets, session
from quiz.cli import app

runner = CliRunner()


def item(n: int, kind: str = "numeric", **extra) -> str:
    body = {
        "numeric": f"type: numeric\n  prompt: {{ja: '文脈の値 {n}', en: 'value {n} of the context'}}\n  answer: {n}",
        "choice": "type: choice\n  prompt: {ja: 'どれか', en: 'which'}\n  options: [{ja: a, en: a}, {ja: b, en: b}, {ja: c, en: c}, {ja: d, en: d}]\n  answer: 1",
    }[kind]
    more = "".join(f"\n  {k}: {v}" for k, v in extra.items())
    return textwrap.indent(f"- id: t.set-{n}\n  {body}\n  explanation: {{ja: '説明 {n}', en: 'why {n}'}}{more}", "      ")


def set_file(directory: Path, name: str = "sets.yaml", items: list[str] | None = None, set_id: str = "t.set",
             context_en: str = "The table below.\\n    x = [1, 2, 3]", extra: str = "") -> Path:
    items = items if items is not None else [item(1), item(2, "choice"), item(3)]
    text = (
        "sets:\n"
        f"  - id: {set_id}\n"
        "    day: 1\n"
        "    section: 3\n"
        "    syllabus: [3-1-3]\n"
        "    source: original\n"
        f"{extra}"
        f'    context: {{ja: "次の表。\\n    x = [1, 2, 3]", en: "{context_en}"}}\n'
        "    items:\n" + "\n".join(items) + "\n")
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def single(directory: Path, qid: str, name: str = "single.yaml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(f"""\
        questions:
          - id: {qid}
            day: 1
            section: 3
            syllabus: [3-1-3]
            type: numeric
            source: original
            prompt: {{ja: 'ひとつ', en: 'alone'}}
            answer: 7
            explanation: {{ja: '七', en: 'seven'}}
        """), encoding="utf-8")
    return path


def validate(*paths):
    return runner.invoke(app, ["bank", "validate", *map(str, paths)])


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    hits = [i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln]
    return hits[nth - 1]


# --------------------------------------------------------------------------- the schema

def test_a_set_is_read_into_items_that_know_their_set_and_context(tmp_path):
    path = set_file(tmp_path)
    result = validate(path)
    assert result.exit_code == 0, result.output
    questions, problems = bank.validate_paths([path])
    assert not problems
    assert [q.id for q in questions] == ["t.set-1", "t.set-2", "t.set-3"]
    assert {q.set_id for q in questions} == {"t.set"}
    assert all(q.context["en"].startswith("The table below.") for q in questions)
    # the set's day, section, source and syllabus ids are the items'
    assert {(q.day, q.section, q.source, q.syllabus) for q in questions} == {(1, 3, "original", ("3-1-3",))}


def test_an_item_may_give_its_own_syllabus_ids(tmp_path):
    path = set_file(tmp_path, items=[item(1, syllabus="[3-1-2]"), item(2), item(3)])
    questions, problems = bank.validate_paths([path])
    assert not problems
    assert [q.syllabus for q in questions] == [("3-1-2",), ("3-1-3",), ("3-1-3",)]


@pytest.mark.parametrize("field, value", [("section", 2), ("day", 2), ("source", "original"), ("framework", "pytorch")])
def test_an_item_that_repeats_a_field_of_its_set_is_told_where(tmp_path, field, value):
    path = set_file(tmp_path, items=[item(1), item(2, **{field: value}), item(3)])
    result = validate(path)
    assert result.exit_code == 2
    expected = f"{path}:{line_of(path, f'{field}: {value}', 2 if field == 'source' else 1)}: t.set.items[2].{field}: given by the set"
    assert expected in result.stderr, result.stderr


@pytest.mark.parametrize("n", [2, 5])
def test_a_set_holds_three_or_four_items(tmp_path, n):
    path = set_file(tmp_path, items=[item(i) for i in range(1, n + 1)])
    result = validate(path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(path, 'items:')}: t.set.items: a set holds 3 or 4 items" in result.stderr
    four = set_file(tmp_path, "four.yaml", items=[item(i) for i in range(1, 5)], set_id="t.four")
    assert validate(four).exit_code == 0


def test_a_context_needs_both_languages(tmp_path):
    path = set_file(tmp_path, context_en="")
    result = validate(path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(path, 'context:')}: t.set.context.en: missing en text" in result.stderr


def test_an_unknown_field_of_a_set_is_named_and_the_items_are_still_checked(tmp_path):
    path = set_file(tmp_path, items=[item(1), item(2, section=1), item(3)], extra="    colour: red\n")
    result = validate(path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(path, 'colour')}: t.set.colour: unknown field for a question set" in result.stderr
    assert "t.set.items[2].section: given by the set" in result.stderr


def test_a_code_item_cannot_sit_in_a_set(tmp_path):
    code = textwrap.indent("- id: t.set-code\n  type: code\n  exercise: lstm", "      ")
    path = set_file(tmp_path, items=[item(1), item(2), code])
    result = validate(path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(path, 'type: code')}: t.set.items[3].type: a set's items are not code items" in result.stderr


def test_set_ids_are_unique_across_files_and_against_item_ids(tmp_path):
    a = set_file(tmp_path / "a", "a.yaml")
    b = set_file(tmp_path / "b", "b.yaml", items=[item(4), item(5), item(6)])
    result = validate(a, b)
    assert result.exit_code == 2
    # once per set, at the later set's id line, naming the other's
    assert result.stderr.count("duplicate set id") == 1
    assert f"{b}:{line_of(b, 'id: t.set')}: t.set.id: duplicate set id (also at {a}:{line_of(a, 'id: t.set')})" in result.stderr
    c = single(tmp_path / "a", "t.set")  # an item with the set's id, read after the set: said at the item
    result = validate(a, c)
    assert result.exit_code == 2
    assert f"{c}:{line_of(c, 'id: t.set')}: t.set.id: this id is a question set's id ({a}:{line_of(a, 'id: t.set')})" in result.stderr
    assert result.stderr.count("question set's id") == 1  # once per set, not per item


def test_a_sets_own_wrong_fields_are_said_once_and_its_items_are_still_checked(tmp_path):
    path = set_file(tmp_path, items=[item(1, answer_note="x"), item(2), item(3)],
                    extra="    framework: jax\n    tags: notalist\n")
    text = path.read_text(encoding="utf-8").replace("section: 3", "section: -1").replace("answer_note: x", "tolerance: wide")
    text = text.replace('context: {ja: "次の表。', 'context: "not a mapping"\n    unused: {ja: "次の表。')
    path.write_text(text, encoding="utf-8")
    result = validate(path)
    assert result.exit_code == 2
    said = result.stderr
    for field in ("t.set.section", "t.set.framework", "t.set.tags", "t.set.context"):
        assert said.count(f"{field}:") == 1, (field, said)
    assert "t.set-1.section" not in said and "t.set-2.framework" not in said  # not again for each item
    assert "t.set-1.tolerance" in said  # the items are checked all the same


def test_changing_the_context_changes_every_item_of_the_set(tmp_path):
    before, _ = bank.validate_paths([set_file(tmp_path)])
    after, _ = bank.validate_paths([set_file(tmp_path, context_en="The table below, now different.")])
    assert all(b.content_hash != a.content_hash for b, a in zip(before, after))


def test_the_cached_bank_keeps_sets(tmp_path, monkeypatch):
    directory = tmp_path / "mine"
    set_file(directory)
    monkeypatch.setenv("RABBIT_BANK", str(directory))
    first = {q.id: q for q in bank.load()}
    again = {q.id: q for q in bank.load()}  # from the cache
    q = again["t.set-2"]
    assert q.set_id == "t.set" and q.context == first["t.set-2"].context
    assert again["d3.s1.third-weight"].set_id is None and again["d3.s1.third-weight"].context is None


# --------------------------------------------------------------------------- serving

def fake(qid: str, set_id: str | None = None, line: int = 0):
    return bank.Question(id=qid, day=1, section=1, type="numeric", source="original", prompt={"ja": qid, "en": qid},
                         explanation={"ja": "", "en": ""}, answer=1, set_id=set_id,
                         context={"ja": "c", "en": "c"} if set_id else None, set_index=line, line=0)


def test_a_session_serves_a_set_together_and_in_order():
    pool = [fake(f"s{i}") for i in range(8)] + [fake(f"a{i}", "A", line=i) for i in (3, 1, 2)]
    for seed in range(30):
        got = [q.id for q in session.select(pool, 1, count=None, seed=seed)]
        k = got.index("a1")
        assert got[k:k + 3] == ["a1", "a2", "a3"], (seed, got)


def test_a_set_that_would_overrun_the_count_gives_way_to_single_items():
    pool = [fake(f"a{i}", "A", line=i) for i in range(4)] + [fake(f"s{i}") for i in range(3)]
    for seed in range(20):
        got = session.select(pool, 1, count=5, seed=seed)
        ids = [q.id for q in got]
        assert len(ids) == 5 or ids.count("s0") + ids.count("s1") + ids.count("s2") == 3, ids
        assert sum(i.startswith("a") for i in ids) in (0, 4)  # the set whole or not at all
    only_set = [fake(f"a{i}", "A", line=i) for i in range(3)]
    assert [q.id for q in session.select(only_set, 1, count=2, seed=1)] == ["a0", "a1", "a2"]  # nothing smaller fits


def test_a_set_is_ranked_by_its_most_urgent_item():
    pool = [fake(f"a{i}", "A", line=i) for i in range(3)] + [fake(f"s{i}") for i in range(6)]
    seen = session.ItemRecord(3, 3, True)
    record = {q.id: seen for q in pool if q.id != "a2"}  # only a2 is unseen
    got = [q.id for q in session.select(pool, 1, count=3, seed=5, record=record)]
    assert got == ["a0", "a1", "a2"]


def test_units_keep_single_items_where_they_stand():
    items = [fake("x"), fake("a2", "A", 2), fake("y"), fake("a1", "A", 1)]
    assert [[q.id for q in u] for u in qsets.units(items)] == [["x"], ["a1", "a2"], ["y"]]


def test_the_quiz_shows_the_context_once_above_the_set(tmp_path, monkeypatch):
    directory = tmp_path / "mine"
    set_file(directory)
    monkeypatch.setenv("RABBIT_BANK", str(directory))
    result = runner.invoke(app, ["quiz", "day1", "--section", "3", "--count", "all", "--seed", "3", "--lang", "en"],
                           input="?\n" * 200)
    out = result.output
    assert out.count("The table below.") == 1
    head = out.index("Question set: the next 3 questions share this context")
    first, second, third = (out.index(f"value {n} of the context") if n != 2 else out.index("(question 2 of 3") for n in (1, 2, 3))
    assert head < out.index("The table below.") < first < second < third
    assert "    x = [1, 2, 3]" in out  # the figure keeps its indentation
    assert "(question 3 of 3 on the context above)" in out


def test_bank_list_names_each_items_set(tmp_path, monkeypatch):
    import json

    directory = tmp_path / "mine"
    set_file(directory)
    monkeypatch.setenv("RABBIT_BANK", str(directory))
    rows = {r["id"]: r for r in json.loads(runner.invoke(app, ["bank", "list", "--json", "--day", "1"]).stdout)}
    standalone = [q.id for q in bank.load() if q.day == 1 and q.set_id is None]
    assert standalone and all(rows[i]["set"] is None for i in standalone)
    assert [r["set"] for i, r in rows.items() if i.startswith("t.set-")] == ["t.set"] * 3
    table = runner.invoke(app, ["bank", "list", "--day", "1", "--section", "3"]).stdout
    assert any("t.set-2" in ln and " t.set " in ln for ln in table.splitlines())


# --------------------------------------------------------------------------- the mock exam

def exam_pool():
    from quiz.bank import Question

    T = {"ja": "問", "en": "Q"}
    opts = tuple({"ja": f"選択肢{i}", "en": f"option {i}"} for i in range(1, 5))

    def choice(ident, topic, set_id=None, line=0):
        return Question(id=ident, day=3, section=1, type="choice", source="original", prompt=T, explanation=T,
                        options=opts, answer=2, syllabus=(topic,), set_id=set_id,
                        context={"ja": "文脈", "en": "context"} if set_id else None, set_index=line, line=0,
                        content_hash=f"h-{ident}")

    topics = {1: "1-1-2", 2: "2-1-12", 3: "3-5-2", 4: "4-1-1", 5: "5-2-1"}
    out = [choice(f"c{ch}.{i:02d}", t) for ch, t in topics.items() for i in range(40)]
    for ch, t in topics.items():
        for s in range(6):
            out += [choice(f"set{ch}.{s}-{k}", t, f"set{ch}.{s}", line=k) for k in range(1, 4 if s % 2 else 5)]
    return out


def test_an_exam_draws_sets_whole_in_order_for_about_half_its_questions():
    from quiz import syllabus
    from quiz.exam import draw

    pool, s = exam_pool(), syllabus.load()
    for seed in (1, 2, 3):
        got = draw.draw(pool, s, 100, seed=seed)
        assert len(got) == 100 and len({q.id for q in got}) == 100
        sets = [q.set_id for q in got if q.set_id]
        for sid in set(sets):
            members = [q.id for q in got if q.set_id == sid]
            k = [q.id for q in got].index(members[0])
            assert [q.id for q in got][k:k + len(members)] == sorted(members)  # together, in the set's order
            assert len(members) == sum(1 for q in pool if q.set_id == sid)  # whole
        assert 35 <= len(sets) <= 60, len(sets)  # about half in sets where the bank has them
        assert [q.id for q in draw.draw(pool, s, 100, seed=seed)] == [q.id for q in got]


def test_an_exam_leaves_out_a_set_it_could_not_score_whole():
    from quiz import syllabus
    from quiz.bank import Question
    from quiz.exam import draw

    pool = exam_pool()
    pool = [q for q in pool if q.set_id != "set3.0"]
    T = {"ja": "問", "en": "Q"}
    pool += [Question(id=f"set3.0-{k}", day=3, section=1, type="text" if k == 2 else "numeric", source="original",
                      prompt=T, explanation=T, syllabus=("3-5-2",), set_id="set3.0", context=T, set_index=k,
                      content_hash="h", **({"accept": ("x",)} if k == 2 else {"answer": 1}))
             for k in (1, 2, 3)]
    for seed in range(5):
        assert not any(q.id.startswith("set3.0-") for q in draw.draw(pool, syllabus.load(), 100, seed=seed))


def test_the_exam_shows_a_sets_context_on_each_of_its_cards(tmp_path, monkeypatch):
    import json

    directory = tmp_path / "mine"
    set_file(directory, items=[item(1, "choice"), item(2, "choice"), item(3, "choice")])
    monkeypatch.setenv("RABBIT_BANK", str(directory))
    from quiz import syllabus
    from quiz.exam import draw

    questions = bank.load()
    seed = next(s for s in range(1, 200)  # a seed whose 20 questions hold the set
                if "t.set-1" in {q.id for q in draw.draw(questions, syllabus.load(), 20, seed=s)})
    result = runner.invoke(app, ["exam", "--count", "20", "--seed", str(seed), "--lang", "en", "--json",
                                 "--minutes", "30"], input="1\n" * 20 + "end\n")
    assert result.exit_code == 0, result.output
    ids = [i["id"] for i in json.loads(result.stdout[result.stdout.index("{\n"):])["items"]]
    k = ids.index("t.set-1")
    assert ids[k:k + 3] == ["t.set-1", "t.set-2", "t.set-3"]
    cards, _, misses = result.stderr.partition("Misses, with explanations")
    assert cards.count("The table below.") == 3
    missed = [i for i in json.loads(result.stdout[result.stdout.index("{\n"):])["items"]
              if i["id"].startswith("t.set-") and not i["correct"]]
    assert misses.count("The table below.") == len(missed)  # a miss of a set is reviewed with its context
    assert "Question set (1/3)" in cards and "Question set (3/3)" in cards


def test_the_shipped_bank_asks_sets_the_exam_can_draw():
    """The exam's form: at least 40 sets in the shipped bank, each of 3-4 items the mock exam can
    score, spread over every stage of the course."""
    from quiz.exam.draw import ASKABLE

    sets: dict[str, list] = {}
    for q in bank.load():
        if q.set_id:
            sets.setdefault(q.set_id, []).append(q)
    assert len(sets) >= 40
    assert all(len(items) in qsets.SIZES and all(q.type in ASKABLE for q in items) for items in sets.values())
    assert {items[0].stage for items in sets.values()} >= {"math", "ml", "day1", "day2", "day3", "day4"}


def test_bank_list_json_skips_typer_and_says_what_the_full_command_says():
    import json
    import subprocess
    import sys

    for args in (["--json"], ["--json", "--day", "math"], ["--day", "3", "--section", "2", "--json"]):
        fast = subprocess.run([sys.executable, "-X", "importtime", "-m", "quiz", "bank", "list", *args],
                              capture_output=True, text=True, timeout=60)
        assert fast.returncode == 0, fast.stderr
        assert "typer" not in fast.stderr
        full = runner.invoke(app, ["bank", "list", *args])
        assert json.loads(fast.stdout) == json.loads(full.stdout) and json.loads(fast.stdout)
    bad = subprocess.run([sys.executable, "-m", "quiz", "bank", "list", "--json", "--day", "day9"], capture_output=True, text=True)
    assert bad.returncode == 2 and "day9" in bad.stderr and "Traceback" not in bad.stderr


def test_a_sets_items_keep_their_written_order_when_written_on_one_line(tmp_path):
    """A set's order is the order of its items list, not their ids or lines (flow style puts them on one)."""
    path = tmp_path / "flow.yaml"
    path.write_text(
        "sets:\n  - {id: t.flow, day: 1, section: 3, syllabus: [3-1-3], source: original,"
        " context: {ja: 文脈, en: context}, items: ["
        + ", ".join(f"{{id: t.flow-{name}, type: numeric, prompt: {{ja: 問, en: Q}}, answer: 1,"
                    f" explanation: {{ja: 解, en: A}}}}" for name in ("z", "a", "m")) + "]}\n", encoding="utf-8")
    questions, problems = bank.validate_paths([path])
    assert not problems
    for seed in range(5):
        assert [q.id for q in session.select(questions, 1, seed=seed)] == ["t.flow-z", "t.flow-a", "t.flow-m"]
    from quiz import syllabus
    from quiz.exam import draw

    drawn = [q.id for q in draw.draw(questions, syllabus.load(), 3, seed=1)]
    assert drawn == ["t.flow-z", "t.flow-a", "t.flow-m"]


def test_review_brings_a_miss_back_outside_a_sets_run_and_counts_the_sets_items_once():
    from quiz import practice

    class Store:
        def record(self, attempt):
            pass

    pool = [fake(f"a{i}", "A", i) for i in (1, 2, 3, 4)] + [fake("s1"), fake("s2"), fake("s3")]
    served = [practice.Served(q) for q in pool]
    core = practice.Session(served, Store(), {}, 1, practice.REVIEW)
    places = []
    while (turn := core.next()) is not None:
        places.append((turn.question.id, turn.set_place))
        core.record(turn, core.judge(turn, "0"))  # every answer wrong: each miss comes back once
    ids = [i for i, _ in places]
    first_run = ids[:4]
    assert first_run == ["a1", "a2", "a3", "a4"]  # the set's run is not split by a miss brought back
    assert [p for _, p in places[:4]] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert all(p is None or p[1] <= 4 for _, p in places)  # never "question 5 of 5" for a set of four
    assert sorted(ids) == sorted([q.id for q in pool] * 2)


def test_history_show_of_a_set_item_shows_its_context(tmp_path, monkeypatch):
    import json

    directory = tmp_path / "mine"
    set_file(directory)
    monkeypatch.setenv("RABBIT_BANK", str(directory))
    runner.invoke(app, ["quiz", "day1", "--section", "3", "--count", "all", "--seed", "3", "--lang", "en"], input="?\n" * 200)
    rows = json.loads(runner.invoke(app, ["history", "--json", "--limit", "500"]).stdout)
    row = next(r for r in rows if r["item_id"] == "t.set-2")
    shown = runner.invoke(app, ["history", "--show", str(row["id"]), "--lang", "en"]).stdout
    assert "The table below." in shown and "    x = [1, 2, 3]" in shown
    as_json = json.loads(runner.invoke(app, ["history", "--show", str(row["id"]), "--json", "--lang", "en"]).stdout)
    assert as_json["set"] == "t.set" and as_json["context"].startswith("The table below.")


def test_in_a_terminal_an_indented_table_is_printed_as_it_is_and_text_folds():
    import io

    from rich.console import Console

    from quiz.commands.quiz_view import TerminalView

    view = TerminalView("en")
    out = io.StringIO()
    view.console = Console(file=out, force_terminal=True, width=40, color_system=None, highlight=False)
    row = "    | layer | output shape   | parameters | notes on the layer |"
    view.say("A long sentence about the table below that is wider than the terminal here.\n" + row)
    lines = out.getvalue().splitlines()
    assert row in lines  # whole, not cut at 40 columns nor re-indented
    assert all(len(ln) <= 40 for ln in lines if ln != row) and len(lines) >= 3  # the sentence folds
