"""YAML loading that remembers line numbers, so bank errors can name file, line and field."""

from __future__ import annotations

from pathlib import Path

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is present


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict
    duplicate_keys: list

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


# the loader's own constructors for plain mappings and lists (reached when a tagged node holds
# them) build the same line-aware containers as load's fast walk over the nodes (_convert)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, lambda loader, node: _convert(loader, node, {}))
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, lambda loader, node: _convert(loader, node, {}))


class YamlSyntaxError(Exception):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def load(path: Path, text: str | None = None):
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _convert(loader, node, {})
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(path, e) from None
    except yaml.YAMLError as e:
        raise YamlSyntaxError(path, 0, f"YAML error: {e}") from None
    except RecursionError:
        raise YamlSyntaxError(path, 0, "YAML error: nested too deeply") from None
    finally:
        loader.dispose()


_STR, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"
_MAP, _SEQ = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG


def _convert(loader, node, memo: dict):
    """The Python value of a composed node, as the loader's constructors would build it (with lines),
    without their generic machinery for the common cases: plain strings, mappings, sequences (about
    a third of a bank file's load). Anything else (numbers, booleans, other tags) is the loader's."""
    known = memo.get(id(node))
    if known is not None:  # an alias: the same object, as the constructor gives (and no endless loop)
        return known
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        seq = memo[id(node)] = LineList()
        seq.line = node.start_mark.line + 1
        seq.item_lines = [child.start_mark.line + 1 for child in node.value]
        seq.extend(_convert(loader, child, memo) for child in node.value)
        return seq
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        if any(k.tag == _MERGE for k, _ in node.value):
            loader.flatten_mapping(node)
        out = memo[id(node)] = LineDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        out.duplicate_keys = []
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, memo)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, "a key must be a plain value, not a list or mapping",
                    key_node.start_mark) from None
            if key in out:
                out.duplicate_keys.append((key, key_node.start_mark.line + 1))
            out[key] = _convert(loader, value_node, memo)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    return loader.construct_object(node, deep=True)


def _at(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _syntax_error(path: Path, e: yaml.MarkedYAMLError) -> YamlSyntaxError:
    """Name both places libyaml knows: where the construct began (context) and where it broke.

    A construct left open to the end (an unclosed quote: "while scanning a quoted scalar") is reported at
    the line where it begins, since the end of the file is where nobody would look for it; any
    other error at the place it broke, with the beginning named in the message.
    """
    problem, context = e.problem_mark, e.context_mark
    what = e.problem or str(e)
    if context is None or problem is None or (context.line, context.column) == (problem.line, problem.column):
        mark = problem or context
        where = f" ({_at(mark)})" if mark else ""
        return YamlSyntaxError(path, mark.line + 1 if mark else 0, f"YAML syntax error: {what}{where}")
    began = "quoted scalar" in (e.context or "") or "end of stream" in what  # left open to the end
    primary = context if began else problem
    message = f"YAML syntax error: {what} at {_at(problem)}, {e.context} that begins at {_at(context)}"
    if began:
        message += " (is a quote or bracket left open? / 引用符や括弧が閉じていない可能性があります)"
    return YamlSyntaxError(path, primary.line + 1, message)
