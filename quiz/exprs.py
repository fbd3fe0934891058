"""Expression answers graded by equivalence, with a small whitelisted AST evaluator.

Learner text is never passed to eval(): it is parsed, checked node by node, and evaluated
here over floats. `2(x+y)` is read as `2*(x+y)`, `^` as a power, full-width input is NFKC'd.
"""

from __future__ import annotations

import ast
import math
import operator
import random
import re

from quiz import typed

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_FUNCS = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos,
          "tanh": math.tanh, "abs": abs}
_CONSTS = {"e": math.e, "pi": math.pi}
MAX_LEN = 300


class ExprError(ValueError):
    pass


def _prepare(text: str) -> str:
    s = typed.nfkc(text)
    s = s.replace("×", "*").replace("·", "*").replace("÷", "/").replace("−", "-").replace("^", "**")
    s = s.replace("²", "**2").replace("³", "**3")
    s = re.sub(r"^(d\s*z\s*/\s*d\s*x|dz/dx|y)\s*=\s*", "", s)  # "dz/dx = ..." is fine too
    # implicit multiplication: 2(x+y), 2x, )(, )x, x(  (a variable followed by '(' only if not a function)
    s = re.sub(r"(\d)\s*([A-Za-z(])", r"\1*\2", s)
    s = re.sub(r"\)\s*([\w(])", r")*\1", s)
    return s


def parse(text: str, variables: list[str]) -> ast.expr:
    if len(text) > MAX_LEN:
        raise ExprError("too long")
    src = _prepare(text)
    for name in variables:  # x(y+1) → x*(y+1) for variables, not for functions
        src = re.sub(rf"\b{re.escape(name)}\s*\(", f"{name}*(", src)
    try:
        tree = ast.parse(src, mode="eval").body
    except SyntaxError as e:
        raise ExprError(f"not a formula: {e.msg}") from None
    _check(tree, set(variables))
    return tree


def _check(node: ast.AST, names: set[str]) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        _check(node.left, names), _check(node.right, names)
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check(node.operand, names)
    elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        pass
    elif isinstance(node, ast.Name) and (node.id in names or node.id in _CONSTS):
        pass
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS \
            and len(node.args) == 1 and not node.keywords:
        _check(node.args[0], names)
    else:
        shown = ast.unparse(node) if hasattr(ast, "unparse") else type(node).__name__
        raise ExprError(f"unknown name or operation: {shown}")


def evaluate(node: ast.AST, env: dict[str, float]) -> float:
    if isinstance(node, ast.BinOp):
        left, right = evaluate(node.left, env), evaluate(node.right, env)
        if isinstance(node.op, ast.Pow) and (abs(right) > 64 or abs(left) > 1e6):
            raise ExprError("power too large")
        return _BIN[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](evaluate(node.operand, env))
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id] if node.id in env else _CONSTS[node.id]
    if isinstance(node, ast.Call):
        return _FUNCS[node.func.id](evaluate(node.args[0], env))
    raise ExprError("unsupported")


def equivalent(answer: str, key: str, variables: list[str], trials: int = 12, seed: int = 0) -> bool:
    """True when both expressions agree at random points (raises ExprError for an unreadable answer)."""
    mine = parse(answer, variables)
    ref = parse(key, variables)
    rng = random.Random(seed)
    agreed = 0
    for _ in range(trials * 3):
        env = {v: rng.uniform(0.3, 2.5) * rng.choice((1, -1)) for v in variables}
        try:
            want = evaluate(ref, env)
        except (ArithmeticError, ValueError):
            continue
        try:
            got = evaluate(mine, env)
        except (ArithmeticError, ValueError):
            return False
        if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9):
            return False
        agreed += 1
        if agreed >= trials:
            return True
    return agreed > 0
