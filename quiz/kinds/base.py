"""What a question kind is: its fields, its spec, and the five things the rest of rabbit asks it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

from quiz.problems import Problem, check_text


class Spec:
    """A kind's own validated fields (a frozen dataclass subclass). The class attributes are what
    a kind without numbered options says when asked for them."""

    options: tuple = ()  # the numbered options as written ({ja, en} each)
    shuffle: bool = True  # False: the options keep their written order (they refer to each other)

    @classmethod
    def from_dict(cls, d: dict) -> "Spec":
        """The spec back from its JSON form (the bank cache): lists become tuples again."""
        names = _FIELDS.get(cls)
        if names is None:  # once per kind: dataclasses.fields() costs more than building the spec
            names = _FIELDS[cls] = {f.name: str(f.type).startswith("tuple") for f in dataclasses.fields(cls)}
        return cls(**{k: tuple(v) if names[k] and isinstance(v, list) else v for k, v in d.items() if k in names})


_FIELDS: dict[type, dict[str, bool]] = {}  # a spec class -> {field name: whether it is a tuple}


class Validation:
    """Reporting for one raw item: every problem with file, line and `id.field`."""

    def __init__(self, raw: dict, path: Path, problems: list[Problem], label: str,
                 line: Callable[[str], int], exercise_names: set[str]):
        self.raw, self.path, self.problems, self.label = raw, path, problems, label
        self.line = line
        self.exercise_names = exercise_names

    def bad(self, key: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.path, self.line(key.split(".")[0].split("[")[0]) if line is None else line,
                                     f"{self.label}{key}", message))

    def text(self, value, key: str, line: int | None = None) -> None:
        """A {ja, en} text field."""
        field = key.split("[")[0]
        check_text(value, self.problems, self.path, self.line(field) if line is None else line, f"{self.label}{key}")

    def shuffle(self) -> bool:
        """The optional `shuffle: false` of a kind with options."""
        raw = self.raw
        if "shuffle" in raw and not isinstance(raw["shuffle"], bool):
            self.bad("shuffle", f"expected true or false, got {raw['shuffle']!r}")
        return raw.get("shuffle") is not False


class Kind:
    """One question kind. Subclasses set the class attributes and implement the methods."""

    name: str = ""
    spec: type = Spec
    fields: frozenset = frozenset()  # the item's own fields beyond the common ones
    required: frozenset = frozenset()
    needs_text: bool = True  # prompt and explanation are required (a code item borrows its exercise's)
    label: dict = {}  # the card's name for the kind, {ja, en}
    self_graded: bool = False  # the learner grades their own answer against a model answer

    def validate(self, v: Validation) -> Spec:
        """The spec of a raw item; problems go to `v` (the item is dropped if any were found)."""
        raise NotImplementedError

    def judge(self, q, text: str, pick: Callable[[int | None], int | None], right_option: int | None):
        """A quiz.answers.Judgement of `text` (already NFKC'd, not empty, not "I don't know").
        `pick` maps a shown option number to the written one."""
        raise NotImplementedError

    def key(self, q, lang: str, shown: Callable[[int], int], exercise=None) -> str:
        """The key as shown after a wrong answer, options numbered as they were shown."""
        return ""

    def right_answer(self, q, shown: Callable[[int, int], str], exercises: dict) -> list[str]:
        """Lines a learner types to answer q correctly (`shown(original, n)`: the shown number)."""
        raise NotImplementedError

    def exercise(self, q, exercises: dict):
        """The exercise an item is about (its options, key and explanation), or None."""
        return None

    def options(self, q, exercise=None) -> list[dict]:
        """The numbered options as written, {ja, en} each."""
        return list(q.spec.options)

    def serve(self, q, run_seed: int | None, round_: int):
        """The item as asked at its `round_`-th serving in a run seeded `run_seed` (a generated
        item draws its variant here); most kinds ask the item as written."""
        return q

    def mistake(self, q, answer: str):
        """A named mistake (with `.feedback`, {ja, en}) that the recorded `answer` made, or None."""
        return None

    def recorded(self, q, judgement) -> dict:
        """What the attempt's detail keeps beyond the answer (a generated item: its variant)."""
        return {}
