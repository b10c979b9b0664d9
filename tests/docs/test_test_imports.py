"""Tests never import other test modules: what tests share lives in the test kit
(`meldcode_testkit`: builders, people, scenario, publishing), in conftest fixtures, or in a helper
module beside the tests that names what it holds (e.g. `world.py`, `fakes.py`, `harness.py`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from meldcode_testkit import REPO_ROOT

TEST_TREES = ("contracts", "libs", "services", "tools", "web", "tests")


def python_files_of_test_trees() -> Iterator[Path]:
    for tree in TEST_TREES:
        for path in (REPO_ROOT / tree).rglob("*.py"):
            parts = path.relative_to(REPO_ROOT).parts
            if "tests" in parts and not {".venv", "node_modules", "__pycache__"} & set(parts):
                yield path


def forbidden_imports(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every import of a test module or conftest, and every import that reaches
    into another test folder (a relative import above its own package, or one from `tests.`)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level > 1:
                yield node.lineno, f"{'.' * node.level}{module} (outside its own test folder)"
                continue
            names = [f"{module}.{alias.name}" if module else alias.name for alias in node.names]
            names.append(module)
        else:
            continue
        offending = [name for name in names if name and _names_a_test_module(name)]
        if offending:
            yield node.lineno, offending[0]


def _names_a_test_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "tests" or any(p.startswith("test_") or p == "conftest" for p in parts)


def test_the_check_finds_imports_of_test_modules_and_of_other_test_folders() -> None:
    source = (
        "from .test_notifications import auth\n"
        "from ..conftest import Events\n"
        "from ..e2e.scenario import Staff\n"
        "import tests.e2e.scenario\n"
        "from . import test_casework\n"
        "from .world import opened_case\n"
        "from meldcode_testkit.builders import Events\n"
    )
    assert [line for line, _ in forbidden_imports(source)] == [1, 2, 3, 4, 5]


def test_no_test_module_imports_another_test_module() -> None:
    found = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {name}"
        for path in python_files_of_test_trees()
        for line, name in forbidden_imports(path.read_text(encoding="utf-8"))
    ]
    assert len(list(python_files_of_test_trees())) > 100
    assert not found, "tests import other test modules (move what they share to meldcode_testkit):\n" + (
        "\n".join(found)
    )
