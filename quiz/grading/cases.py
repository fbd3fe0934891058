"""Test cases for an exercise: inputs drawn from the YAML generators, expected values from solutions/.

This module imports numpy; it runs only in the rabbit (parent) process.
"""

from __future__ import annotations

import ast
import copy
import json
import operator
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from quiz import resources
from quiz.exercises import GENERATORS, Exercise
from quiz.grading import freshcases


@dataclass
class Case:
    name: str
    dims: dict
    globals: dict  # name -> value
    args: list  # [(name, value)] in call order


@dataclass
class Tree:
    """A random binary tree: `structure` nests pairs of leaf indices, `leaves` holds the vectors."""

    structure: object
    leaves: np.ndarray

    def build(self):
        def node(s):
            if isinstance(s, int):
                return self.leaves[s].copy()
            return {"left": node(s[0]), "right": node(s[1])}

        return node(self.structure)


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def dim(expr, dims: dict) -> int:
    """A shape entry: an int, a dimension name, or a small sum/product such as 4*H."""
    if isinstance(expr, int):
        return expr
    return _dim_of(str(expr), tuple(sorted(dims.items())))


@lru_cache(maxsize=1024)
def _dim_of(expr: str, items: tuple) -> int:
    dims = dict(items)

    def ev(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name) and node.id in dims:
            return int(dims[node.id])
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        raise ValueError(f"cannot read shape entry {expr!r} (dims: {', '.join(dims)})")

    return ev(ast.parse(expr, mode="eval").body)


def _random_structure(rng: np.random.Generator, leaves: list[int]):
    if len(leaves) == 1:
        return leaves[0]
    cut = int(rng.integers(1, len(leaves)))
    return [_random_structure(rng, leaves[:cut]), _random_structure(rng, leaves[cut:])]


def draw_randn(spec: dict, dims: dict, rng: np.random.Generator):
    shape = [dim(d, dims) for d in spec["randn"]]
    return rng.standard_normal(shape) * float(spec.get("scale", 1.0))


def draw_uniform(spec: dict, dims: dict, rng: np.random.Generator):
    shape = [dim(d, dims) for d in spec["uniform"]]
    return rng.uniform(float(spec.get("low", 0.0)), float(spec.get("high", 1.0)), shape)


def draw_value(spec: dict, dims: dict, rng: np.random.Generator):
    return float(spec["value"])


def draw_randint(spec: dict, dims: dict, rng: np.random.Generator):
    """Integers in [low, high) (int64): class labels, indices; `high` may be a dimension (V)."""
    shape = [dim(d, dims) for d in spec["randint"]]
    low, high = dim(spec.get("low", 0), dims), dim(spec.get("high", 2), dims)
    return rng.integers(low, high, shape, dtype=np.int64)


def draw_integer(spec: dict, dims: dict, rng: np.random.Generator):
    """A Python int argument (a stride, a padding, a step count t), or a dimension's value."""
    return IntArg(dim(spec["integer"], dims))


def draw_boxes(spec: dict, dims: dict, rng: np.random.Generator):
    """An (N, 4) float64 array of boxes as corners (x1, y1, x2, y2), x1 < x2 and y1 < y2: the top-left
    corner uniform in [low, high) on both axes, the width and height uniform in [min_size, max_size)
    (defaults 0-4 and 0.2-4, so that some pairs overlap and some do not)."""
    n = dim(spec["boxes"], dims)
    corner = rng.uniform(float(spec.get("low", 0.0)), float(spec.get("high", 4.0)), (n, 2))
    size = rng.uniform(float(spec.get("min_size", 0.2)), float(spec.get("max_size", 4.0)), (n, 2))
    return np.concatenate([corner, corner + size], axis=1)


class IntArg(int):
    """An int input: passed to the function as an int, not as a float like `value`."""


def draw_onehot(spec: dict, dims: dict, rng: np.random.Generator):
    n, v = (dim(d, dims) for d in spec["onehot"])
    out = np.zeros((n, v))
    out[np.arange(n), rng.integers(0, v, n)] = 1.0
    return out


def draw_tree(spec: dict, dims: dict, rng: np.random.Generator):
    leaves, e = dim(spec["tree"]["leaves"], dims), dim(spec["tree"]["dim"], dims)
    vectors = rng.standard_normal((leaves, e)) * float(spec["tree"].get("scale", 1.0))
    return Tree(_random_structure(rng, list(range(leaves))), vectors)


def generate(spec: dict, dims: dict, rng: np.random.Generator):
    """One input drawn by its generator kind (quiz.exercises.GENERATORS names the draw_ function)."""
    for kind, draw in GENERATORS.items():
        if kind in spec:
            return globals()[draw](spec, dims, rng)
    raise ValueError(f"unknown generator {spec!r}")


def _case(g: dict, case: dict, rng: np.random.Generator, name: str) -> Case:
    dims = dict(case["dims"])
    overrides = case.get("inputs") or {}
    gl = {n: generate(overrides.get(n, s), dims, rng) for n, s in (g.get("globals") or {}).items()}
    args = [(n, generate(overrides.get(n, s), dims, rng)) for n, s in g["inputs"].items()]
    return Case(name, dims, gl, args)


def build_cases(ex: Exercise) -> list[Case]:
    """The public cases: the YAML's dims, generators and seeds (anyone can rebuild them)."""
    g = ex.grading
    return [_case(g, case, np.random.default_rng(int(case["seed"])), str(case["name"])) for case in g["cases"]]


def fresh_cases(ex: Exercise, seed: int) -> list[Case]:
    """Cases drawn from a secret seed: the dims and input overrides of public cases picked by the
    seed, the inputs from the same generators. Replaying `seed` rebuilds the same cases."""
    g = ex.grading
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(g["cases"]), size=freshcases.fresh_count(ex), replace=False)
    return [_case(g, g["cases"][int(i)], rng, f"fresh {k}: {g['cases'][int(i)]['name']}")
            for k, i in enumerate(picks, 1)]


def _materialise(value):
    if isinstance(value, IntArg):
        return int(value)
    return value.build() if isinstance(value, Tree) else copy.deepcopy(value)


def expected(ex: Exercise, cases: list[Case]) -> list[list[np.ndarray]]:
    """The reference engine's outputs for every case, as lists of float64 arrays."""
    module = resources.reference_module(ex.reference)
    fn = getattr(module, ex.grading["function"])
    n = len(returns(ex))
    out = []
    for case in cases:
        for name, value in case.globals.items():
            setattr(module, name, _materialise(value))
        value = fn(*(_materialise(v) for _, v in case.args))
        values = list(value) if n > 1 else [value]
        out.append([np.asarray(v, dtype=np.float64) for v in values])
    return out


def returns(ex: Exercise) -> list[str]:
    r = ex.grading["returns"]
    return [str(x) for x in r] if isinstance(r, list) else [str(r)]


def inputs_frame(ex: Exercise, cases: list[Case]) -> bytes:
    """The inputs as the box reads them: an .npz of the call manifest and the arrays, no pickle."""
    arrays: dict[str, np.ndarray] = {}

    def spec(key: str, value):
        if isinstance(value, Tree):
            arrays[key + ".leaves"] = value.leaves
            return {"tree": value.structure, "leaves": key + ".leaves"}
        if isinstance(value, np.ndarray):
            arrays[key] = value
            return {"array": key}
        if isinstance(value, IntArg):
            return {"int": int(value)}
        return {"scalar": float(value)}

    manifest = {
        "function": ex.grading["function"],
        "returns": len(returns(ex)),
        "cases": [
            {
                "globals": {n: spec(f"c{i}.g.{n}", v) for n, v in c.globals.items()},
                "args": [spec(f"c{i}.a{j}", v) for j, (_, v) in enumerate(c.args)],
            }
            for i, c in enumerate(cases)
        ],
    }
    members = {"__manifest__": np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8), **arrays}
    return _stored_zip({name + ".npy": _npy(a) for name, a in members.items()})


def _npy(a: np.ndarray) -> bytes:
    """One .npy member, as np.save writes it (format 1.0, C order)."""
    a = np.ascontiguousarray(a)
    header = f"{{'descr': {a.dtype.str!r}, 'fortran_order': False, 'shape': {a.shape!r}, }}"
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + a.tobytes()


def _stored_zip(members: dict[str, bytes]) -> bytes:
    """An uncompressed zip (what np.savez writes), built directly: a fresh bundle per file of
    `rabbit grade` made np.savez's zipfile bookkeeping the largest cost of drawing it."""
    parts, central, offset = [], [], 0
    for name, data in members.items():
        n, crc = name.encode(), zlib.crc32(data)
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, crc, len(data), len(data), len(n), 0) + n
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, crc, len(data), len(data),
                                   len(n), 0, 0, 0, 0, 0, offset) + n)
        parts += [local, data]
        offset += len(local) + len(data)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join(parts) + directory + end


def _arr(v: np.ndarray):
    from quiz.grading import npyio

    v = np.asarray(v, dtype="=f8", order="C")  # native, as array("d") holds it; a 0-d value stays 0-d
    data = npyio.array("d")
    data.frombytes(v.tobytes())
    return npyio.Arr(tuple(v.shape), data)


def bundle(ex: Exercise, case_list: list[Case], seed: int | None = None):
    """A casecache.Bundle for `case_list`, in memory (rabbit grade draws its fresh cases this way)."""
    from quiz.grading.casecache import Bundle

    exp = [[_arr(v) for v in values] for values in expected(ex, case_list)]
    return Bundle(inputs_frame(ex, case_list), [c.name for c in case_list], returns(ex), exp, seed)


def bundle_bytes(ex: Exercise, case_list: list[Case] | None = None, seed: int | None = None) -> bytes:
    """Everything grading needs, as bytes to store: inputs frame, case names, expected values.

    By default the public cases; `seed` is kept with fresh ones so that a verdict can be replayed.
    """
    from quiz.grading import npyio

    b = bundle(ex, build_cases(ex) if case_list is None else case_list, seed)
    meta = {"cases": b.case_names, "returns": b.returns, "seed": seed}
    arrays = {
        "__inputs__": npyio.from_bytes(b.inputs),
        "__meta__": npyio.from_bytes(json.dumps(meta).encode()),
    }
    for i, values in enumerate(b.expected):
        for j, v in enumerate(values):
            arrays[f"e{i}.r{j}"] = v
    return npyio.write_npz(arrays)
