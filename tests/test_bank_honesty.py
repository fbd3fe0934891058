"""The shipped bank stays honest at ~800 items: ids unique, every option
list distinct, no numeric choice whose key is ambiguous by construction (two options within the
item's tolerance), ja and en present and non-empty in every text, every item reachable from the
syllabus map. Each check is also run on a deliberately broken fixture, to show it would catch it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import pytest

from quiz import bank, resources, syllabus
from quiz.bank import Question
from quiz.typed import nfkc

SHIPPED = resources.bank_dir()
VARIANTS = 40  # served variants of each generated choice item that are checked


# --------------------------------------------------------------------------- the checks


def raw_items(paths: list[Path]) -> list[tuple[Path, dict]]:
    """Every item as written, with its file."""
    from quiz import yamlio

    out = []
    for path in bank.question_files(paths):
        data = yamlio.load(path)
        out += [(path, raw) for raw in data.get("questions") or [] if isinstance(raw, dict)]
    return out


def duplicate_ids(items: list[tuple[Path, dict]], derived: list[Question] = ()) -> list[str]:
    """Ids given to more than one item (written, or derived from an exercise's blanks)."""
    counts = Counter([raw.get("id") for _, raw in items] + [q.id for q in derived])
    return sorted(f"{i} ×{n}" for i, n in counts.items() if n > 1)


def _norm(text: str) -> str:
    return " ".join(nfkc(text).split()).casefold()


def same_options(questions: list[Question]) -> list[str]:
    """choice/multi items with two options that read the same (NFKC, whitespace, case) in a language."""
    out = []
    for q in questions:
        if q.type not in ("choice", "multi"):
            continue
        for lang in ("ja", "en"):
            seen = Counter(_norm(o.get(lang, "")) for o in q.options)
            out += [f"{q.id} ({lang}): {text!r} ×{n}" for text, n in seen.items() if n > 1]
    return out


_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _number(text: str) -> float | None:
    t = _norm(text).replace("−", "-").replace(",", "")
    return float(t) if _NUMBER.fullmatch(t) else None


def close_numbers(questions: list[Question]) -> list[str]:
    """Choice items whose options are plain numbers, two of them within the item's tolerance (a
    written choice item: numeric's default 1e-9; a generated choice item: each served variant's)."""
    out = []
    for q in questions:
        if q.type == "choice":
            variants = [(q, 1e-9)]
        elif q.type == "generated" and q.form == "choice":
            from quiz import kinds

            variants = [(v, v.tolerance) for v in (kinds.get("generated").instance(q, s) for s in range(VARIANTS))]
        else:
            continue
        for v, tol in variants:
            nums = [_number(o.get("en") or o.get("ja") or "") for o in v.options]
            nums = sorted(x for x in nums if x is not None)
            close = [(a, b) for a, b in zip(nums, nums[1:]) if math.isclose(a, b, abs_tol=tol, rel_tol=0)]
            if close:
                out.append(f"{q.id}: options {close[0][0]} and {close[0][1]} within {tol}")
                break
    return out


def missing_text(items: list[tuple[Path, dict]]) -> list[str]:
    """Every {ja, en} text anywhere in an item (prompt, options, explanations, feedback, units,
    key points) has both languages, non-empty."""
    out = []

    def walk(value, where: str) -> None:
        if isinstance(value, dict):
            if "ja" in value or "en" in value:
                for lang in ("ja", "en"):
                    if not isinstance(value.get(lang), str) or not value[lang].strip():
                        out.append(f"{where}: no {lang}")
            for k, v in value.items():
                walk(v, f"{where}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    for path, raw in items:
        walk(dict(raw), f"{path.name}:{raw.get('id')}")
    return out


def unreachable(questions: list[Question], outline) -> list[str]:
    """Items the syllabus map cannot reach: no syllabus id, or one the map does not have."""
    out = []
    for q in questions:
        if not q.syllabus:
            out.append(f"{q.id}: no syllabus id")
        out += [f"{q.id}: {i} is not on the map" for i in q.syllabus if i not in outline.topics]
    return out


# --------------------------------------------------------------------------- the shipped bank


@pytest.fixture(scope="module")
def shipped():
    questions, problems = bank.validate_paths([SHIPPED])
    assert not problems, "\n".join(map(str, problems[:20]))
    return questions, raw_items([SHIPPED])


def test_shipped_ids_are_unique(shipped):
    questions, items = shipped
    assert duplicate_ids(items, [q for q in questions if q.type == "code"]) == []


def test_shipped_option_lists_are_distinct(shipped):
    assert same_options(shipped[0]) == []


def test_no_shipped_numeric_choice_has_two_options_within_its_tolerance(shipped):
    assert close_numbers(shipped[0]) == []


def test_every_shipped_text_has_ja_and_en(shipped):
    assert missing_text(shipped[1]) == []


def test_every_shipped_item_is_reachable_from_the_syllabus_map(shipped):
    assert unreachable(shipped[0], syllabus.load()) == []


# --------------------------------------------------------------------------- the checks catch it


def item(ident: str, **kw) -> Question:
    fields = dict(id=ident, day=2, section=1, type="choice", source="original",
                  prompt={"ja": "問", "en": "Q"}, explanation={"ja": "説明", "en": "Why"}, syllabus=("3-5-2",))
    if "spec" not in kw and kw.get("type", "choice") in ("choice", "multi"):
        kw.setdefault("options", tuple({"ja": x, "en": x} for x in ("a", "b", "c", "d")))
        kw.setdefault("answer", 1 if kw.get("type", "choice") == "choice" else (1, 2))
    return Question(**{**fields, **kw})


def opts(*texts: str) -> tuple:
    return tuple({"ja": t, "en": t} for t in texts)


def test_a_repeated_id_is_caught(tmp_path):
    (tmp_path / "a.yaml").write_text("questions:\n  - {id: x.one, type: choice}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("questions:\n  - {id: x.one, type: text}\n  - {id: x.two}\n", encoding="utf-8")
    assert duplicate_ids(raw_items([tmp_path])) == ["x.one ×2"]
    assert duplicate_ids([], [item("x.code"), item("x.code")]) == ["x.code ×2"]


def test_options_that_read_the_same_are_caught():
    broken = [item("x.fine"),
              item("x.width", options=opts("ＲｅＬＵ", "ReLU ", "tanh", "sigmoid")),  # full-width and a space
              item("x.space", type="multi", options=opts("a  b", "a b", "c", "d", "e"), answer=(1, 3))]
    found = same_options(broken)
    assert {f.split(" ")[0] for f in found} == {"x.width", "x.space"}, found


def test_two_numeric_options_within_the_tolerance_are_caught():
    broken = [item("x.fine", options=opts("0.5", "0.25", "1", "2")),
              item("x.words", options=opts("0.5 倍", "0.50 倍", "1", "2")),  # not plain numbers
              item("x.same", options=opts("0.5", "0.50", "1", "2")),
              item("x.sign", options=opts("−1", "-1.0", "3", "4"))]
    assert [f.split(":")[0] for f in close_numbers(broken)] == ["x.same", "x.sign"]


def test_a_generated_choice_whose_variants_collide_is_caught(monkeypatch):
    from quiz import kinds

    q = next(q for q in bank.load() if q.type == "generated" and q.form == "choice")
    real = kinds.get("generated").instance

    def collide(q, seed):  # every variant shows its first two options as the same number
        v = real(q, seed)
        spec = v.spec.__class__(**{**v.spec.__dict__, "options": (v.options[0], v.options[0], *v.options[2:])})
        return Question(**{**{f: getattr(v, f) for f in ("id", "day", "section", "type", "source", "prompt",
                                                        "explanation", "tags", "syllabus")}, "spec": spec})

    assert close_numbers([q]) == []
    monkeypatch.setattr(kinds.get("generated"), "instance", collide)
    assert [f.split(":")[0] for f in close_numbers([q])] == [q.id]


def test_a_missing_or_empty_language_is_caught(tmp_path):
    items = [(tmp_path / "x.yaml", {"id": "x.fine", "prompt": {"ja": "問", "en": "Q"}}),
             (tmp_path / "x.yaml", {"id": "x.opt", "options": [{"ja": "あ", "en": "a"}, {"ja": "い"}]}),
             (tmp_path / "x.yaml", {"id": "x.blank", "key_points": [{"ja": "要点", "en": "  ", "keywords": ["k"]}]})]
    found = missing_text(items)
    assert found == ["x.yaml:x.opt.options[1]: no en", "x.yaml:x.blank.key_points[0]: no en"], found


def test_an_item_off_the_map_is_caught():
    broken = [item("x.fine"), item("x.none", syllabus=()), item("x.off", syllabus=("3-5-2", "9-9-9"))]
    assert unreachable(broken, syllabus.load()) == ["x.none: no syllabus id", "x.off: 9-9-9 is not on the map"]
