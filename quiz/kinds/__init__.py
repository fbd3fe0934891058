"""The question kinds: the YAML `type` of an item → the module that validates, judges and keys it.

A table, not a chain (pip's command table): each built-in kind is one module here, imported the
first time an item of that type is met. Another kind is added by one new module that calls
`register` (tests register toy kinds this way); nothing else changes.
"""

from __future__ import annotations

import importlib

from quiz.kinds.base import Kind, Spec, Validation  # noqa: F401  (the interface a kind implements)

# written order: the order of `expected one of ...` in a bank error
_BUILTIN = {name: f"quiz.kinds.{name}" for name in ("choice", "multi", "numeric", "text", "expr", "describe", "code", "generated")}
_LOADED: dict[str, Kind] = {}
_EXTRA: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Make `kind` serve items whose `type` is kind.name (a kind from outside quiz/kinds)."""
    _EXTRA[kind.name] = kind
    _LOADED[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _EXTRA.pop(name, None)
    _LOADED.pop(name, None)


def names() -> tuple[str, ...]:
    return tuple(_BUILTIN) + tuple(n for n in _EXTRA if n not in _BUILTIN)


def get(name: str) -> Kind:
    """The kind of YAML type `name`; KeyError if there is none."""
    kind = _LOADED.get(name)
    if kind is None:
        kind = _LOADED[name] = importlib.import_module(_BUILTIN[name]).KIND
    return kind


def of(question) -> Kind:
    return get(question.type)


def label(question, lang: str) -> str:
    """The card's name for the item's kind."""
    return of(question).label[lang]


def key_text(question, lang: str, order: tuple[int, ...] = (), exercise=None) -> str:
    """The key as shown after a wrong answer, numbered as the options were shown."""
    from quiz.session import shown_number

    def shown(a: int) -> int:
        return shown_number(order, a) if order else a

    return of(question).key(question, lang, shown, exercise)


def right_answer(question, exercises: dict, seed: int | None) -> list[str]:
    """Lines that answer `question` correctly in `rabbit quiz --seed SEED` (the demo's script and
    the tests' answer key): the options are shown shuffled by the seed, so a key is typed by its
    shown number."""
    from quiz.session import option_order, shown_number

    def shown(original: int, n: int) -> str:
        return str(shown_number(option_order(seed, question.id, n, question.shuffle), original))

    kind = of(question)
    question = kind.serve(question, seed, 0)  # a generated item: the variant its first serving draws
    return kind.right_answer(question, shown, exercises)
