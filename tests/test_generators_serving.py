"""Generated items as a learner meets them: declared and validated in the bank, served with a
fresh variant each time (or the same with --seed), judged, named mistakes explained, the
variant's seed recorded so it can be shown again; and a generator mastered after three fresh
variants right in a row."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from quiz import bank, kinds, practice
from quiz.kinds.generated import mastered
from quiz.store import Store

GEN = kinds.get("generated")


def cli(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "quiz", *args], input=stdin, capture_output=True, text=True,
                          env=dict(os.environ), timeout=120)


def bank_item(**over) -> str:
    fields = {
        "generator": "conv_output_size", "form": "choice",
        "prompt_en": "Input {H}, filter {F}, stride {S}, padding {P}. Output?",
        "mistake": "padding_one_side", "feedback_en": "{chosen} pads one side only.",
    } | over
    return textwrap.dedent(f"""\
        questions:
          - id: t.gen
            day: 2
            section: 4
            type: generated
            source: original
            generator: {fields['generator']}
            form: {fields['form']}
            prompt:
              ja: "入力 {{H}}、フィルタ {{F}}。出力は?"
              en: "{fields['prompt_en']}"
            explanation:
              ja: "O = {{answer}}"
              en: "O = {{answer}}"
            mistakes:
              {fields['mistake']}:
                ja: "{{chosen}} は片側だけ。"
                en: "{fields['feedback_en']}"
              forgot_plus_one: {{ja: "+1 を忘れた", en: "forgot the +1"}}
              forgot_stride: {{ja: "ストライド", en: "the stride"}}
        """)


def validate(tmp_path, text):
    path = tmp_path / "gen.yaml"
    path.write_text(text, encoding="utf-8")
    out = cli("bank", "validate", str(path))
    out.stdout += out.stderr  # the problems are reported on stderr
    return path, out


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_a_well_formed_generated_item_validates(tmp_path):
    _, out = validate(tmp_path, bank_item())
    assert out.returncode == 0, out.stdout + out.stderr


def test_validate_rejects_an_unknown_generator_with_file_line_and_field(tmp_path):
    text = bank_item(generator="conv_output_sise")
    path, out = validate(tmp_path, text)
    assert out.returncode == 2
    assert f"{path}:{line_of(text, 'generator:')}: t.gen.generator: unknown generator 'conv_output_sise'" in out.stdout
    assert "conv_output_size" in out.stdout  # the known names are listed


def test_validate_rejects_a_placeholder_the_generator_does_not_give(tmp_path):
    text = bank_item(prompt_en="Input {H}, kernel {K}. Output?")
    path, out = validate(tmp_path, text)
    assert out.returncode == 2
    assert f"{path}:{line_of(text, 'kernel {K}')}: t.gen.prompt.en: placeholder {{K}} is not a value of generator " \
           "conv_output_size" in out.stdout


def test_validate_rejects_an_unknown_mistake_and_a_bad_feedback_placeholder(tmp_path):
    text = bank_item(mistake="forgot_padding", feedback_en="{chosen} with {Q}")
    path, out = validate(tmp_path, text)
    assert out.returncode == 2
    at = line_of(text, "forgot_padding:")
    assert f"{path}:{at}: t.gen.mistakes.forgot_padding: generator conv_output_size has no mistake" in out.stdout
    assert f"{path}:{line_of(text, 'with {Q}')}: t.gen.mistakes.forgot_padding.en: placeholder {{Q}}" in out.stdout


def test_a_choice_item_names_three_mistakes(tmp_path):
    text = bank_item().replace('      forgot_stride: {ja: "ストライド", en: "the stride"}\n', "")
    path, out = validate(tmp_path, text)
    assert out.returncode == 2 and "t.gen.mistakes: a choice item names exactly 3 mistakes, got 2" in out.stdout


def shipped():
    return [q for q in bank.load() if q.type == "generated"]


def test_the_shipped_bank_has_25_generated_items_across_the_syllabus():
    items = shipped()
    assert len({q.generator for q in items}) >= 25
    assert len({s.split("-")[0] for q in items for s in q.syllabus}) >= 3  # chapters 1-4 of the syllabus
    assert {q.form for q in items} == {"numeric", "choice"}


@pytest.mark.parametrize("q", shipped(), ids=lambda q: q.id)
def test_every_shipped_variant_fills_every_placeholder_in_both_languages(q):
    for seed in range(30):
        served = GEN.instance(q, seed)
        for t in (served.prompt, served.explanation, *[m.feedback for m in
                  [GEN.mistake(served, o["en"]) for o in served.spec.options] if m]):
            for lang in ("ja", "en"):
                assert not re.search(r"\{[A-Za-z_]\w*\}", t[lang]), (q.id, seed, t[lang])
        if q.form == "choice":
            assert len(served.spec.options) == 4 and served.spec.option_mistakes.count("") == 1


def gen_items_in(day, section):
    return [q for q in shipped() if q.day == day and q.section == section]


def right_lines(items, seed):
    from quiz.exercises import load_all

    lines, exercises = [], load_all()  # a section may hold code items, answered from their exercise
    for q in items:
        lines += kinds.right_answer(q, exercises, seed)
    return "\n".join(lines) + "\n"


def generated_rows():
    return [(a["item_id"], bool(a["correct"]), a["answer"], json.loads(a["detail"] or "{}"))
            for a in Store().attempts() if a["item_id"].startswith("gen.")]


def test_served_piped_records_the_seed_and_the_same_seed_replays_the_numbers(rabbit_home):
    from quiz import session

    items = session.select(bank.load(), 2, 4, None, 21, None, None)
    first = cli("quiz", "day2", "--section", "4", "--count", "all", "--seed", "21", "--lang", "en",
                stdin=right_lines(items, 21))
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    rows = generated_rows()
    assert {r[0] for r in rows} == {q.id for q in gen_items_in(2, 4)}
    by_id = {q.id: q for q in shipped()}
    for item_id, correct, answer, detail in rows:
        assert correct and isinstance(detail["variant"], int)
        shown = GEN.instance(by_id[item_id], detail["variant"])  # the recorded variant, shown again
        assert shown.prompt["en"] in first.stdout
        assert shown.explanation["en"] in first.stdout
    again = cli("quiz", "day2", "--section", "4", "--count", "all", "--seed", "21", "--lang", "en", stdin="?\n" * 500)
    for item_id, _, _, detail in rows:
        assert GEN.instance(by_id[item_id], detail["variant"]).prompt["en"] in again.stdout
    assert "Traceback" not in first.stderr + again.stderr


def test_without_a_seed_each_serving_draws_fresh_numbers(rabbit_home):
    for _ in range(2):
        cli("quiz", "day2", "--section", "4", "--count", "all", stdin="?\n" * 500)
    variants = {}
    for item_id, _, _, detail in generated_rows():
        variants.setdefault(item_id, set()).add(detail["variant"])
    assert variants and all(len(v) == 2 for v in variants.values())


def test_a_named_mistake_is_explained_and_recorded(rabbit_home):
    q = next(q for q in shipped() if q.id == "gen.pool-output-size")
    served = GEN.serve(q, 5, 0)
    wrong = served.spec.option_mistakes.index("divided_by_window") + 1  # options are not shuffled: ascending
    out = cli("quiz", "day2", "--section", "4", "--count", "all", "--seed", "5", "--lang", "en",
              stdin="\n".join(str(wrong) if i.id == q.id else "?" for i in
                              __import__("quiz.session", fromlist=["select"]).select(bank.load(), 2, 4, None, 5, None, None))
              + "\n")
    chosen = served.spec.options[wrong - 1]["en"]
    assert f"A common mistake: {chosen} divides H by the window" in out.stdout
    [row] = [r for r in generated_rows() if r[0] == q.id]
    assert row[1] is False and row[2] == chosen and row[3]["mistake"] == "divided_by_window"


def test_a_typed_number_that_a_named_mistake_gives_is_explained():
    q = next(q for q in shipped() if q.id == "gen.conv-output-size")
    served = GEN.instance(q, 3)
    value = served.spec.mistake_values["forgot_plus_one"]
    m = GEN.mistake(served, str(value))
    assert m.name == "forgot_plus_one" and m.feedback["en"].startswith(f"{value} forgets the final +1")
    assert GEN.mistake(served, str(served.spec.answer + 100)) is None


def test_the_answer_to_the_asked_precision_is_right_and_one_unit_off_is_wrong():
    from quiz import answers

    q = next(q for q in shipped() if q.id == "gen.tanh-derivative")
    served = GEN.instance(q, 11)
    a = served.spec.answer
    assert answers.judge(served, f"{a:.3f}").correct
    assert not answers.judge(served, f"{a + 0.001:.3f}").correct
    assert answers.judge(served, "x").invalid == "number"


class Script:
    def __init__(self, lines):
        self.lines, self.prompts = list(lines), []

    def line(self):
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    def card(self, turn):
        self.prompts.append(turn.prompt("en"))

    def invalid(self, turn, j): ...
    def passed(self, turn): ...
    def reveal(self, turn, j): ...
    def grade_again(self, turn): ...
    def verdict(self, outcome): ...
    def stopped(self): ...


def test_review_serves_one_item_and_a_requeued_miss_comes_back_as_a_fresh_variant(rabbit_home):
    q = next(q for q in shipped() if q.id == "gen.softmax-prob")
    fillers = [qq for qq in shipped() if qq.id != q.id][:3]
    core = practice.Session([practice.Served(x) for x in [q, *fillers]], Store(), {}, 8, practice.REVIEW)
    view = Script(["?"] * 10)
    core.play(view)
    rows = [r for r in generated_rows() if r[0] == q.id]
    assert len(rows) == 2  # one item, asked again after the miss
    assert rows[0][3]["variant"] != rows[1][3]["variant"]
    assert view.prompts[0] != view.prompts[4]


def test_mastered_after_three_fresh_variants_right_in_a_row():
    assert mastered([(True, 1), (True, 2), (True, 3)])
    assert not mastered([(True, 1), (True, 2)])
    assert not mastered([(True, 1), (False, 2), (True, 3), (True, 4)])
    assert not mastered([(True, 1), (True, 1), (True, 3)])  # the same variant twice is not fresh
    assert mastered([(False, 1), (True, 2), (True, 3), (True, 4)])


def test_serving_a_generated_item_imports_no_numpy():
    code = ("import sys; from quiz import bank, kinds, practice; "
            "q = next(q for q in bank.load() if q.type == 'generated'); "
            "s = kinds.of(q).serve(q, 1, 0); from quiz import answers; answers.judge(s, '1'); "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=dict(os.environ))
    assert out.stdout.strip() == "False"


def test_a_recorded_variant_is_shown_again_with_its_numbers(rabbit_home, capsys):
    from quiz import session
    from quiz.commands.quiz_view import replay

    items = session.select(bank.load(), 4, 1, None, 3, None, None)
    out = cli("quiz", "day4", "--section", "1", "--count", "all", "--seed", "3", "--lang", "en", stdin="?\n" * 500)
    assert out.returncode == 1
    by_id = {q.id: q for q in shipped()}
    rows = generated_rows()
    assert {r[0] for r in rows} == {q.id for q in items if q.type == "generated"}
    for item_id, _, _, detail in rows:
        capsys.readouterr()
        replay(by_id[item_id], detail["variant"], "en")
        shown = capsys.readouterr().out
        served = GEN.instance(by_id[item_id], detail["variant"])
        assert served.prompt["en"] in shown and served.prompt["en"] in out.stdout
        assert served.explanation["en"] in shown and served.explanation["en"] in out.stdout
        assert f"Answer: {kinds.key_text(served, 'en')}" in shown


def test_mastery_from_the_log_after_three_fresh_variants_right_in_a_row(rabbit_home):
    from quiz.kinds.generated import mastered_in

    q = next(q for q in shipped() if q.id == "gen.affine-params")
    for seed in (1, 2, 3, 4):  # wrong, then three runs of fresh variants answered right
        lines = "?\n" if seed == 1 else "\n".join(kinds.right_answer(q, {}, seed)) + "\n"
        core = practice.Session([practice.Served(q)], Store(), {}, seed, practice.PRACTICE)
        core.play(Script(lines.splitlines()))
        assert mastered_in(Store().attempts(q.id)) == (seed == 4)
    core = practice.Session([practice.Served(q)], Store(), {}, 5, practice.PRACTICE)
    core.play(Script(["?"]))
    assert not mastered_in(Store().attempts(q.id))


@pytest.mark.parametrize("change, field, message", [
    (("form: choice", "form: slider"), "t.gen.form", "expected one of numeric, choice, got 'slider'"),
    (("generator: conv_output_size", "generator: [conv_output_size]"), "t.gen.generator", "unknown generator"),
])
def test_a_malformed_generated_item_is_a_bank_error_not_a_crash(tmp_path, change, field, message):
    text = bank_item().replace(*change)
    path, out = validate(tmp_path, text)
    assert out.returncode == 2 and "Traceback" not in out.stdout
    assert f"{path}:{line_of(text, change[1])}: {field}: {message}" in out.stdout
