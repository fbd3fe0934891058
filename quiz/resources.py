"""Where the shipped data lives: inside the wheel (quiz/_data) or in a source checkout."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The directory that holds bank/, exercises/ and solutions/."""
    installed = _PACKAGE / "_data"
    if (installed / "bank").is_dir():
        return installed
    return _PACKAGE.parent  # source checkout or editable install


def bank_dir() -> Path:
    return data_root() / "bank"


def exercises_dir() -> Path:
    return data_root() / "exercises"


def solutions_dir() -> Path:
    return data_root() / "solutions"


_SOLUTIONS_NAME = "rabbit_solutions"


def solutions_package() -> ModuleType:
    """Import the reference engine under one private name, wherever it was installed.

    The engine uses relative imports only, so it works under any package name; loading it by
    path avoids shipping a top-level package called `solutions` into site-packages.
    """
    if _SOLUTIONS_NAME in sys.modules:
        return sys.modules[_SOLUTIONS_NAME]
    root = solutions_dir()
    spec = importlib.util.spec_from_file_location(
        _SOLUTIONS_NAME, root / "__init__.py", submodule_search_locations=[str(root)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_SOLUTIONS_NAME] = module
    spec.loader.exec_module(module)
    return module


def reference_module(name: str) -> ModuleType:
    """One module of the reference engine, e.g. reference_module('lstm')."""
    solutions_package()
    return importlib.import_module(f"{_SOLUTIONS_NAME}.{name}")
