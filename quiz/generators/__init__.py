"""Generated questions: small pure functions that draw a variant's numbers from a seed.

A generator is one short function `fn(r: random.Random) -> (values, answer, mistakes)`:
`values` names every drawn parameter and every intermediate of the worked solution (the bank's
templates fill `{name}` from them), `answer` is the right number, and `mistakes` maps a named
mistake (forgot_padding, missed_x4_gates, ...) to the number that mistake gives. Generators draw
the answer's ingredients first so every number comes out clean (a convolution's output size is
drawn before its input). Only the standard library: serving a generated item imports no numpy.

The table maps a bank `generator:` name to its function; modules register with `@generator`.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import random
from dataclasses import dataclass
from typing import Callable

_MODULES = ("cnn", "params", "nets", "optim", "prob", "rl")
_TABLE: dict[str, "Generator"] = {}
_loaded = False
RETRIES = 100  # a draw whose options would collide is drawn again from the same stream


@dataclass(frozen=True)
class Generator:
    name: str
    fn: Callable
    digits: int  # decimal places the answer is asked and shown to (0: a whole number)

    @property
    def tolerance(self) -> float:
        """Absolute: an answer rounded to `digits` places is right, one a unit off is not."""
        return 1e-9 if self.digits == 0 else 0.5 * 10 ** -self.digits + 1e-9


@dataclass(frozen=True)
class Variant:
    """One drawn variant: what the templates and the judge need."""

    generator: str
    seed: int
    values: dict  # name -> number (drawn parameters and worked-solution values)
    answer: float
    mistakes: dict  # mistake name -> the number it gives
    digits: int
    tolerance: float


def generator(digits: int = 0):
    """Register the decorated function under its own name."""

    def wrap(fn):
        _TABLE[fn.__name__] = Generator(fn.__name__, fn, digits)
        return fn

    return wrap


def table() -> dict[str, Generator]:
    global _loaded
    if not _loaded:
        for m in _MODULES:
            importlib.import_module(f"quiz.generators.{m}")
        _loaded = True
    return _TABLE


def names() -> tuple[str, ...]:
    return tuple(table())


def show(v, digits: int | None = None) -> str:
    """A number as the learner reads it: whole numbers plainly, others to `digits` places (or
    up to four, trailing zeros dropped; four significant digits below 0.1)."""
    if isinstance(v, bool):
        return str(v)
    if digits is not None:
        return str(int(round(v))) if digits == 0 else f"{v:.{digits}f}"
    if isinstance(v, int) or float(v).is_integer():
        return str(int(v))
    if abs(v) < 0.1:  # small values keep four significant digits (Adam's 1 − β2^t = 0.001999)
        return f"{v:.4g}"
    return f"{v:.4f}".rstrip("0").rstrip(".")


def _clean(gen: Generator, answer: float, mistakes: dict) -> bool:
    """Every mistake is off the answer by more than the tolerance and, as shown, differs from
    the answer and from every other mistake; every number is finite."""
    nums = [answer, *mistakes.values()]
    if not all(isinstance(x, (int, float)) and math.isfinite(x) for x in nums):
        return False
    if any(abs(m - answer) <= gen.tolerance * 2 for m in mistakes.values()):
        return False
    shown = {show(x, gen.digits) for x in nums}
    return len(shown) == len(nums)


def draw(name: str, seed: int) -> Variant:
    """The variant of generator `name` for `seed` (the same seed, the same numbers); KeyError
    for an unknown name."""
    gen = table()[name]
    r = random.Random(seed)
    for _ in range(RETRIES):
        values, answer, mistakes = gen.fn(r)
        if _clean(gen, answer, mistakes):
            break
    else:  # pragma: no cover - the seed tests show every generator settles within a few draws
        raise RuntimeError(f"generator {name} drew no clean variant for seed {seed}")
    values = dict(values)
    values["answer"] = show(answer, gen.digits)
    return Variant(name, seed, values, answer, dict(mistakes), gen.digits, gen.tolerance)


def provides(name: str) -> tuple[frozenset, frozenset]:
    """The value names (template placeholders) and the mistake names of generator `name`."""
    v = draw(name, 0)
    return frozenset(v.values), frozenset(v.mistakes)


def variant_seed(session_seed: int | None, item_id: str, round_: int) -> int:
    """The seed of an item's variant in a run: fresh when the run has no seed, else the same for
    the same run seed, item and serving (so `rabbit quiz --seed S` replays the numbers)."""
    if session_seed is None:
        return random.SystemRandom().randrange(1, 2**31)
    h = hashlib.sha256(f"{session_seed}:{item_id}:{round_}".encode()).digest()
    return int.from_bytes(h[:4], "big") % (2**31 - 1) + 1
