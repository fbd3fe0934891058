"""Fresh cases: drawn for every submission from a secret 64-bit seed the box never sees.

The public cases are rebuilt by anyone from the YAML seeds and the reference engine, so a lookup
table can pass them; a pass also needs cases no one could have seen before. Computing their
expected values needs numpy and the reference engine in the rabbit process (100+ ms to import),
so `rabbit submit` takes them from a pool of pre-drawn bundles under $RABBIT_HOME/cache:

- each bundle is used once: it is renamed away (atomic: of two terminals only one wins) and
  deleted before the box starts, so the box never finds its own bundle even without namespaces;
- each is sealed with the case cache's HMAC (quiz/grading/cachekey.py: a key in the kernel keyring, out
  of every box's reach) and encrypted under a key derived from it, so a box without namespaces
  can neither forge one nor read the upcoming ones; a bundle that does not verify is discarded;
- the pool is refilled in batches of REFILL after the verdict is printed, when fewer than LOW
  remain, and when it is empty the submission draws its own (the first submission of an
  exercise pays for numpy and the refill, about a quarter of a second).
Without a keyring the key dies with the process: nothing is pooled, each submission draws its own.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from quiz import home
from quiz.exercises import Exercise
from quiz.grading import cachekey, casecache

VERSION = 1
REFILL, LOW = 16, 4
SUFFIX = ".bundle"
NONCE = 16
TRIES = 8
COUNT = 3  # fresh cases per submission, each on the dims of a public case picked by the seed


def fresh_count(ex: Exercise) -> int:
    return min(COUNT, len(ex.grading["cases"]))


def new_seed() -> int:
    import secrets  # only when a seed is drawn: a submission served from the pool never needs it

    return secrets.randbits(64)


def compute(ex: Exercise, seed: int) -> casecache.Bundle:
    """The fresh cases of `seed` with their expected values (numpy; replays a recorded seed)."""
    from quiz.grading import cases

    return cases.bundle(ex, cases.fresh_cases(ex, seed), seed)


def draw(ex: Exercise) -> casecache.Bundle:
    """A bundle no submission has used: the pool's next one, or one drawn now."""
    return take(ex) or compute(ex, new_seed())


def pool_dir(ex: Exercise) -> Path:
    key = f"{ex.name}-{ex.content_hash}-{casecache._engine_hash()}-v{VERSION}"
    return home.rabbit_home() / "cache" / f"fresh-{key}"


def _home() -> str:
    return str(home.rabbit_home().absolute())


def _pad(nonce: bytes, n: int) -> bytes:
    return hashlib.shake_256(cachekey.subkey(b"fresh-pool") + nonce).digest(n)


def _xor(data: bytes, pad: bytes) -> bytes:
    return (int.from_bytes(data, "little") ^ int.from_bytes(pad, "little")).to_bytes(len(data), "little")


def seal(raw: bytes) -> bytes:
    """Encrypt, then tag: a box without namespaces reads nothing of it and forges nothing."""
    nonce = os.urandom(NONCE)
    return cachekey.seal(nonce + _xor(raw, _pad(nonce, len(raw))), _home())


def unseal(data: bytes) -> bytes:
    body = cachekey.unseal(data, _home())
    nonce, secret = body[:NONCE], body[NONCE:]
    if len(nonce) != NONCE:
        raise cachekey.Unsealed("too short")
    return _xor(secret, _pad(nonce, len(secret)))


def _bundles(directory: Path) -> list[str]:
    try:
        return [e.path for e in os.scandir(directory) if e.name.endswith(SUFFIX)]
    except OSError:
        return []


def take(ex: Exercise) -> casecache.Bundle | None:
    """The next pooled bundle, removed from the pool; forged or damaged ones are discarded."""
    for path in _bundles(pool_dir(ex))[:TRIES]:  # a directory stuffed with forgeries costs little
        taken = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.taken"
        try:
            os.rename(path, taken)  # of two processes wanting it, one gets it
        except OSError:
            continue
        try:
            data = casecache.read_regular(taken)
        except (OSError, ValueError):
            continue
        finally:
            try:
                os.unlink(taken)
            except OSError:
                pass
        try:
            bundle = casecache.parse(unseal(data))
        except Exception:  # noqa: BLE001 - whatever a planted file holds, it is only discarded
            continue
        if bundle.seed is not None and len(bundle.case_names) == fresh_count(ex):
            return bundle
    return None


def refill(ex: Exercise, low: int = LOW, batch: int = REFILL) -> int:
    """Top the pool up to `batch` bundles when fewer than `low` are left; returns how many were made."""
    if not cachekey.persistent():
        return 0  # a key that dies with this process would seal bundles no later process can open
    directory = pool_dir(ex)
    have = len(_bundles(directory))
    if have >= low:
        return 0
    from quiz.grading import cases

    try:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.parent.glob(f"fresh-{ex.name}-*"):
            if old != directory and old.is_dir():
                for f in old.iterdir():
                    f.unlink(missing_ok=True)
                old.rmdir()
        made = 0
        for _ in range(batch - have):
            seed = new_seed()
            raw = cases.bundle_bytes(ex, cases.fresh_cases(ex, seed), seed)
            name = os.urandom(8).hex()
            tmp = directory / f"{name}.{os.getpid()}.tmp"
            tmp.write_bytes(seal(raw))
            os.replace(tmp, directory / f"{name}{SUFFIX}")
            made += 1
        return made
    except OSError:
        return 0  # a read-only or full home only costs speed
