"""A small, strict reader and writer for .npz frames of float64 / uint8 arrays, without numpy.

The rabbit process reads what the box sends back with this: it understands only C-ordered
little-endian float64 and uint8 arrays, so there is nothing to unpickle, and it lets grading
skip importing numpy when the expected values are cached.
"""

from __future__ import annotations

import ast
import io
import struct
import zipfile
from array import array  # noqa: F401  (re-exported for writers)
from dataclasses import dataclass
from math import prod

MAGIC = b"\x93NUMPY"
_DTYPES = {"<f8": ("d", 8), "|u1": ("B", 1)}


class FrameError(ValueError):
    pass


@dataclass(frozen=True)
class Arr:
    """A plain array: a shape and its values in C order."""

    shape: tuple[int, ...]
    data: array

    @property
    def size(self) -> int:
        return len(self.data)


def _parse_npy(raw: bytes, max_items: int) -> Arr:
    if raw[:6] != MAGIC or len(raw) < 10:
        raise FrameError("not an .npy entry")
    major = raw[6]
    if major == 1:
        (hlen,), start = struct.unpack("<H", raw[8:10]), 10
    elif major in (2, 3):
        (hlen,), start = struct.unpack("<I", raw[8:12]), 12
    else:
        raise FrameError("unknown .npy version")
    if hlen > 4096:
        raise FrameError("header too long")
    try:
        header = ast.literal_eval(raw[start : start + hlen].decode("latin1"))
    except (ValueError, SyntaxError) as e:
        raise FrameError(f"bad header: {e}") from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise FrameError("bad header keys")
    descr, fortran, shape = header["descr"], header["fortran_order"], header["shape"]
    if descr not in _DTYPES or fortran is not False:
        raise FrameError(f"unsupported dtype {descr!r}")
    if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise FrameError("bad shape")
    code, width = _DTYPES[descr]
    count = prod(shape)
    if count > max_items:
        raise FrameError("array too large")
    body = raw[start + hlen :]
    if len(body) != count * width:
        raise FrameError("size does not match shape")
    data = array(code)
    data.frombytes(body)
    if code == "d" and struct.pack("<d", 1.0) != struct.pack("d", 1.0):
        data.byteswap()
    return Arr(tuple(shape), data)


def read_npz(frame: bytes, max_bytes: int = 64 * 1024**2, max_items: int = 4 * 1024**2) -> dict[str, Arr]:
    if len(frame) > max_bytes:
        raise FrameError("frame too large")
    try:
        with zipfile.ZipFile(io.BytesIO(frame)) as zf:
            out = {}
            total = 0
            for info in zf.infolist():
                total += info.file_size
                if total > max_bytes or not info.filename.endswith(".npy"):
                    raise FrameError("unexpected entry")
                out[info.filename[:-4]] = _parse_npy(zf.read(info), max_items)
            return out
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, struct.error, RuntimeError) as e:
        raise FrameError(str(e)) from None


def _npy(arr: Arr) -> bytes:
    descr = "<f8" if arr.data.typecode == "d" else "|u1"
    shape = repr(tuple(arr.shape)) if len(arr.shape) != 1 else f"({arr.shape[0]},)"
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    data = arr.data
    if data.typecode == "d" and struct.pack("<d", 1.0) != struct.pack("d", 1.0):
        data = array("d", data)
        data.byteswap()
    return MAGIC + b"\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + data.tobytes()


def write_npz(arrays: dict[str, Arr]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, arr in arrays.items():
            zf.writestr(name + ".npy", _npy(arr))
    return buf.getvalue()


def from_bytes(raw: bytes) -> Arr:
    return Arr((len(raw),), array("B", raw))


def to_bytes(arr: Arr) -> bytes:
    return arr.data.tobytes()
