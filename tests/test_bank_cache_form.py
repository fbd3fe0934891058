"""The bank cache's lean form: an item read back from the cache decodes its texts
and spec only when first asked, and is then the same item the YAML gave."""

from __future__ import annotations

from dataclasses import replace

from quiz import bank, jsoncache


def test_items_from_the_cache_are_the_items_the_bank_validates():
    fresh = {q.id: q for q in bank.load()}  # computed and written
    assert list(jsoncache.path("bank", "x").parent.glob("bank-*.json"))
    cached = bank.load()  # read back
    assert [q.id for q in cached] == list(fresh)
    for q in cached:
        f = fresh[q.id]
        assert (q.prompt, q.explanation, q.spec, q.framework, q.syllabus, q.tags, q.content_hash) == \
            (f.prompt, f.explanation, f.spec, f.framework, f.syllabus, f.tags, f.content_hash), q.id
        assert q == f
    choice = next(q for q in bank.load() if q.type == "choice")
    assert choice.answer == fresh[choice.id].answer and len(choice.options) == 4  # a kind's field, as an attribute
    moved = replace(next(q for q in bank.load() if q.type == "choice"), section=99)
    assert moved.section == 99 and moved.options == fresh[moved.id].options
