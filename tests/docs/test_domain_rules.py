"""docs/domain is the truth the code cites: every citation and rule id resolves there.

Checked, without services or infrastructure (the files of the repository only):
- every "rule N" / "rules N, M" / "rules N-M" in code, docstrings and docs has its section
  (`<a id="rule-N">` in docs/domain/rules.md);
- every rule id the code can refuse with (`rule="..."` and the domain errors' `rule = "..."`), and
  every `rule-N-...` id anywhere (tests, the portal), has its anchor in docs/domain;
- every id documented there is still raised somewhere (no stale ids);
- every "enforced in" reference in docs/domain (`path` or `path::Class.function`) still exists;
- nothing cites the description of the Meldcode kept outside the repository.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_DOCS = ROOT / "docs" / "domain"
RULES_PAGE = "rules.md"

SCANNED_TOP_LEVEL = ("bench", "contracts", "deploy", "docs", "libs", "services", "tests", "tools", "web")
SCANNED_ROOT_FILES = ("README.md", "Makefile", "pyproject.toml")
SCANNED_SUFFIXES = {".py", ".md", ".json", ".html", ".j2", ".js", ".sh", ".toml", ".txt", ".yaml", ".yml"}
SKIPPED_DIRS = {
    ".venv",
    "node_modules",
    "__pycache__",
    "vendor",
    ".run",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "released",  # contracts/released: the schemas as they were released, a frozen record
}
EXTERNAL_DESCRIPTION = "MELDCODE" + ".md"  # spelled apart so this file does not cite it

ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
CITATION = re.compile(r"\b[Rr]ules?\s+(\d+)((?:\s*(?:,|and|or|/|-|–)\s*\d+)*)")
NUMBER = re.compile(r"\d+|[-–]")
NUMBERED_RULE_ID = re.compile(r"\brule-\d+-[a-z0-9]+(?:-[a-z0-9]+)*")
SECTION = re.compile(r"rule-\d+")
REFERENCE = re.compile(
    r"`((?:bench|contracts|deploy|docs|libs|services|tests|tools|web)/[^`\s:]+)(?:::([\w.]+))?`"
)


# --- what the repository says -----------------------------------------------------------------------


def scanned_files(root: Path = ROOT) -> Iterator[Path]:
    for name in SCANNED_ROOT_FILES:
        if (root / name).is_file():
            yield root / name
    for top in SCANNED_TOP_LEVEL:
        for path in sorted((root / top).rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and path.suffix in SCANNED_SUFFIXES and not SKIPPED_DIRS & set(relative.parts):
                yield path


def cited_rules(text: str) -> set[int]:
    """The rule numbers a text cites: "rule 4", "Rules 5 and 6", "rules 8, 9, 10", "rules 8-10"."""
    cited: set[int] = set()
    for match in CITATION.finditer(text):
        tokens = [match.group(1), *NUMBER.findall(match.group(2))]
        previous: int | None = None
        ranged = False
        for token in tokens:
            if token in "-–":
                ranged = True
                continue
            number = int(token)
            if ranged and previous is not None:
                cited.update(range(previous, number + 1))
            cited.add(number)
            previous, ranged = number, False
    return cited


def _names_rule(node: ast.AST) -> bool:
    if isinstance(node, ast.keyword):
        return node.arg == "rule"
    if isinstance(node, ast.Assign):
        return any(isinstance(target, ast.Name) and target.id == "rule" for target in node.targets)
    return isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "rule"


def raised_rule_ids(source: str) -> set[str]:
    """The rule ids a module can refuse with: `rule="..."` arguments and `rule = "..."` attributes."""
    ids: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if _names_rule(node):
            value = getattr(node, "value", None)
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                ids.add(value.value)
    return ids


def anchors(text: str) -> set[str]:
    return set(ANCHOR.findall(text))


@functools.cache
def _module(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def defines(module: ast.Module, qualified_name: str) -> bool:
    """Whether a module defines `Class.method`, `function` or `outer.inner` (nested definitions)."""
    scope: Iterable[ast.stmt] = module.body
    for part in qualified_name.split("."):
        found = next(
            (
                node
                for node in scope
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.name == part
            ),
            None,
        )
        if found is None:
            return False
        scope = found.body
    return True


def missing_references(text: str, root: Path = ROOT) -> list[str]:
    missing = []
    for path, qualified_name in REFERENCE.findall(text):
        target = root / path
        if not target.exists():
            missing.append(path)
        elif qualified_name and not defines(_module(target), qualified_name):
            missing.append(f"{path}::{qualified_name}")
    return missing


# --- the checks -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def texts() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8", errors="replace") for path in scanned_files()}


@pytest.fixture(scope="module")
def documented() -> dict[str, set[str]]:
    return {page.name: anchors(page.read_text(encoding="utf-8")) for page in DOMAIN_DOCS.glob("*.md")}


@pytest.fixture(scope="module")
def raised(texts: dict[Path, str]) -> dict[Path, set[str]]:
    """The rule ids of the code the API runs (tests and their fakes left out)."""
    return {
        path: raised_rule_ids(text)
        for path, text in texts.items()
        if path.suffix == ".py" and "tests" not in path.relative_to(ROOT).parts
    }


def test_every_cited_rule_has_its_section(texts: dict[Path, str], documented: dict[str, set[str]]) -> None:
    sections = documented[RULES_PAGE]
    unresolved = sorted(
        f"{path.relative_to(ROOT)}: rule {number}"
        for path, text in texts.items()
        for number in cited_rules(text)
        if f"rule-{number}" not in sections
    )
    assert not unresolved, f"cited rules without a section in docs/domain/{RULES_PAGE}: {unresolved}"


def test_every_rule_id_has_its_anchor(
    texts: dict[Path, str], raised: dict[Path, set[str]], documented: dict[str, set[str]]
) -> None:
    all_anchors = set().union(*documented.values())
    unresolved = sorted(
        f"{path.relative_to(ROOT)}: {rule_id}"
        for path, text in texts.items()
        for rule_id in raised.get(path, set()) | set(NUMBERED_RULE_ID.findall(text))
        if rule_id not in all_anchors
    )
    assert not unresolved, f"rule ids without an anchor in docs/domain: {unresolved}"


def test_every_documented_rule_id_is_still_raised(
    raised: dict[Path, set[str]], documented: dict[str, set[str]]
) -> None:
    listed = {a for a in documented[RULES_PAGE] if not SECTION.fullmatch(a)} | documented["refusals.md"]
    stale = sorted(listed - set().union(*raised.values()))
    assert not stale, f"documented rule ids the code no longer raises: {stale}"


def test_every_enforced_in_reference_exists() -> None:
    missing = sorted(
        f"{page.name}: {reference}"
        for page in DOMAIN_DOCS.glob("*.md")
        for reference in missing_references(page.read_text(encoding="utf-8"))
    )
    assert not missing, f"docs/domain names code that does not exist: {missing}"


def test_nothing_cites_the_description_outside_the_repository(texts: dict[Path, str]) -> None:
    citing = sorted(
        str(path.relative_to(ROOT)) for path, text in texts.items() if EXTERNAL_DESCRIPTION in text
    )
    assert not citing, f"cite docs/domain instead of {EXTERNAL_DESCRIPTION}: {citing}"


# --- the checks catch what they should --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Rule 4: a case is opened by an IB'er", {4}),
        ("step 4: weighing (rules 5, 6)", {5, 6}),
        ("before and at the report (rules 8-10)", {8, 9, 10}),
        ("Rule 5 and rule 8: why", {5, 8}),
        ("rule 12 / afwegingskader question 5", {12}),
        ('rule = "rule-4-opened-by-ib"', set()),
    ],
)
def test_citations_are_read_as_written(text: str, numbers: set[int]) -> None:
    assert cited_rules(text) == numbers


def test_a_bogus_citation_or_id_does_not_resolve(documented: dict[str, set[str]]) -> None:
    bogus_number = (
        max(int(a.removeprefix("rule-")) for a in documented[RULES_PAGE] if SECTION.fullmatch(a)) + 1
    )
    assert f"rule-{bogus_number}" not in documented[RULES_PAGE]
    assert cited_rules(f"# enforces rule {bogus_number}") == {bogus_number}
    assert raised_rule_ids('raise Forbidden("nee", rule="no-such-rule")') == {"no-such-rule"}
    assert "no-such-rule" not in set().union(*documented.values())


def test_a_stale_reference_is_found(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "m.py").write_text("class Case:\n    def open(self):\n        pass\n")
    text = "`services/m.py::Case.open` `services/m.py::Case.close` `services/gone.py`"
    assert missing_references(text, root=tmp_path) == ["services/m.py::Case.close", "services/gone.py"]
