"""The case cache is trusted only under a tag no box can forge: HMAC-SHA256 (over the home's
path and the file) with a key kept in the kernel's user keyring, never in a file.

A key file under $RABBIT_HOME would be enough while boxes run in namespaces (they do not see the
home at all), but without namespaces a box runs as the same user and can read any file rabbit
can, forge a tag and keep a wrong answer passing later, isolation or not. The user keyring is
out of every box's reach in both modes: each box's seccomp filter (seccomp.py) denies
keyctl, add_key and request_key, across exec. Other programs of the same user can read it, as
they can read everything else of the user's.

Where there is no keyring (not Linux, or a container that denies keyctl) the key is made fresh
in each process: a cache written by an earlier process never verifies, and is recomputed
(slower, never wrong). A key lives as long as the kernel keeps the user's keyring (until the
user's last process ends, or a reboot); a cache sealed under a lost key is recomputed too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
from functools import cache

MAGIC = b"RBTC1\n"
TAG = 32
KEY_SPEC_USER_KEYRING = -4
KEYCTL_SETPERM, KEYCTL_SEARCH, KEYCTL_READ = 5, 10, 11
KEY_PERM = 0x3F3F0000  # possessor and user: everything; group and others: nothing
_CALLS = {"x86_64": (248, 250), "aarch64": (217, 219)}  # add_key, keyctl


class Unsealed(ValueError):
    """The cache file carries no valid tag: recompute it."""


def _tag(raw: bytes, home: str) -> bytes:
    # one key per user (a keyring holds few keys); the home is part of what is signed
    return hmac.new(_key(), os.fsencode(home) + b"\0" + raw, hashlib.sha256).digest()


def seal(raw: bytes, home: str) -> bytes:
    return MAGIC + _tag(raw, home) + raw


def unseal(data: bytes, home: str) -> bytes:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + TAG:
        raise Unsealed("the cache carries no tag")
    tag, raw = data[len(MAGIC) : len(MAGIC) + TAG], data[len(MAGIC) + TAG :]
    if not hmac.compare_digest(tag, _tag(raw, home)):
        raise Unsealed("the cache's tag does not verify")
    return raw


def subkey(label: bytes) -> bytes:
    """A key for another use (the fresh-case pool's cipher), derived from the same secret; no tag
    input starts with this prefix (a tag's input starts with the home's absolute path)."""
    return hmac.new(_key(), b"rabbit-subkey\0" + label, hashlib.sha256).digest()


def persistent() -> bool:
    """Whether the key outlives this process (a keyring holds it): only then is a cache worth writing."""
    _key()
    return _persistent


_persistent = False


@cache
def _key() -> bytes:
    global _persistent
    found = _keyring_key()
    _persistent = found is not None
    return found or os.urandom(TAG)


def _keyring_key() -> bytes | None:
    """This user's key in the user keyring, made on first use; None without a keyring."""
    if not sys.platform.startswith("linux") or os.uname().machine not in _CALLS:
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.syscall.restype = ctypes.c_long
    add_key, keyctl = _CALLS[os.uname().machine]  # platform.machine(), without importing platform (4 ms)
    name = b"rabbit-case-cache"
    ring = ctypes.c_long(KEY_SPEC_USER_KEYRING)

    def read(serial: int) -> bytes | None:
        buf = ctypes.create_string_buffer(TAG)
        n = libc.syscall(keyctl, ctypes.c_long(KEYCTL_READ), ctypes.c_long(serial), buf, ctypes.c_long(TAG))
        return buf.raw[:TAG] if n == TAG else None

    serial = libc.syscall(keyctl, ctypes.c_long(KEYCTL_SEARCH), ring, b"user", name, ctypes.c_long(0))
    if serial > 0:
        found = read(serial)
        if found is not None:
            return found
    fresh = os.urandom(TAG)
    serial = libc.syscall(add_key, b"user", name, fresh, ctypes.c_long(TAG), ring)
    if serial <= 0:
        return None
    libc.syscall(keyctl, ctypes.c_long(KEYCTL_SETPERM), ctypes.c_long(serial), ctypes.c_long(KEY_PERM))
    return read(serial)  # another process may have added its key just before: use whichever won
