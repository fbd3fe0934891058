"""One catalogue of messages (quiz.i18n): every key in both languages with the same placeholders,
one key space, and every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import quiz
from quiz import bank, i18n
from quiz.grading.verdict import Reason

QUIZ = Path(i18n.__file__).resolve().parent.parent
SOURCES = {p: p.read_text(encoding="utf-8") for p in QUIZ.rglob("*.py") if "i18n" not in p.relative_to(QUIZ).parts}


def _fields(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name is not None}


def _found(pattern: str, *files: str) -> set[str]:
    texts = [SOURCES[QUIZ / f] for f in files] if files else SOURCES.values()
    found = [m for text in texts for m in re.findall(pattern, text)]
    return {k for m in found for k in ((m,) if isinstance(m, str) else m)}


def test_every_message_has_japanese_and_english_with_the_same_placeholders():
    for key, entry in i18n.CATALOGUE.items():
        assert set(entry) == {"ja", "en"}, key
        assert entry["ja"].strip() and entry["en"].strip(), key
        assert _fields(entry["ja"]) == _fields(entry["en"]), key


def test_one_key_space_no_area_redefines_another_areas_key():
    seen: dict[str, str] = {}
    for area in i18n.AREAS:
        for key in area.MESSAGES:
            assert key not in seen, f"{key} is in both {seen[key]} and {area.__name__}"
            seen[key] = area.__name__
    assert set(seen) == set(i18n.CATALOGUE)


def test_the_old_per_module_tables_are_gone():
    for path, text in SOURCES.items():
        assert not re.search(r"^(L|M|MESSAGES) = \{", text, re.M), path
        assert "def m(" not in text, path


def _static_keys() -> set[str]:
    static = _found(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""")
    static |= _found(r"""ImportFileError\(\s*["']([a-z0-9_]+)["']""", "transfer.py")
    # t("a" if ... else "b", ...) and key = "a" if ... else "b"
    static |= _found(r'(?:\bt\(\s*|\bkey = )"([a-z0-9_]+)" if [^\n]*? else "([a-z0-9_]+)"')
    for loop in _found(r"for key in \(([^)]*)\):\n[^\n]*\bt\(key\b"):
        static |= set(re.findall(r'"([a-z0-9_]+)"', loop))
    return static


def _families() -> dict[str, set[str]]:
    # t("prefix_" + value) and t(f"prefix_{value}"): each prefix and where its values come from
    return {
        "source_": set(bank.SOURCES),
        "status_": {"not_started", "failed", "passed"},
        "invalid_": _found(r'invalid="([a-z]+)', "answers.py", "kinds/choice.py", "kinds/code.py",
                           "kinds/multi.py", "kinds/numeric.py", "kinds/expr.py"),
        "hint_": _found(r'\.hint = "([a-z]+)"', "grading/compare.py"),
        "reason_": {reason.value for reason in Reason},
        "submission_": _found(r'(?:SubmissionError|failed)\("([a-z_]+)"', "grading/batch.py"),
    }


def test_every_key_named_in_the_code_exists():
    static = _static_keys()
    assert len(static) > 100
    assert not static - set(i18n.CATALOGUE)


def test_every_key_a_family_of_values_can_ask_for_exists():
    families = _families()
    used = _found(r"""\bt\(\s*f?["']([a-z0-9_]+_)(?:["']\s*\+|\{)""")
    assert used == set(families), "a new family of keys: say here where its values come from"
    for prefix, values in families.items():
        assert values, prefix
        for value in values:
            assert prefix + value in i18n.CATALOGUE, prefix + value


def test_every_message_is_used_somewhere():
    asked = _static_keys() | {p + v for p, values in _families().items() for v in values}
    assert not set(i18n.CATALOGUE) - asked


def test_merged_duplicates_read_the_same_in_every_command():
    assert i18n.t("misconception", "en") == "A common mistake:"
    assert i18n.t("explanation", "ja") == "解説"
    assert i18n.t("changed", "en") == "this question changed since you last answered it"
    assert i18n.t("no_file", "en", path="x.json") == "no such file: x.json"


def test_the_catalogue_is_plain_data():
    # imported by `rabbit --help` and the list commands: nothing parsed, nothing heavy
    import subprocess
    import sys

    code = "import sys, quiz.i18n; print(' '.join(m for m in ('yaml', 'numpy', 'json') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_a_placeholder_may_be_called_key_or_lang():
    assert i18n.t("key_is", "en", key="2") == "Answer: 2"


def test_the_import_message_names_the_export_format_rabbit_writes():
    from quiz import transfer

    for lang in ("ja", "en"):
        assert f'"format": "{transfer.FORMAT}"' in i18n.t("import_not_rabbit_json", lang, path="x")


def test_grading_speaks_only_through_the_catalogue():
    """No learner-facing Japanese sits in quiz/grading's code: its messages are catalogue keys
    (the names of the characters an IME leaves behind are data, ime._KNOWN)."""
    import ast

    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    root = Path(quiz.__file__).parent / "grading"
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "_KNOWN" for t in node.targets):
                skip |= {id(n) for n in ast.walk(node.value)}
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("compile", "match", "fullmatch", "search"):
                skip |= {id(n) for a in node.args for n in ast.walk(a)}  # patterns that read input
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
                skip.add(id(node.body[0].value))
        found = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                 and id(n) not in skip and japanese.search(n.value)]
        assert not found, (path.name, found[:3])
