"""The rules docs/architecture.md states about the code, checked on the code itself.

- The core (``src/export_post``) never imports an exporter package.
- An exporter imports, of the core, only the toolkit the architecture page lists
  (``EXPORTER_TOOLKIT``), and never another exporter.
- No function is longer than 60 lines and no class longer than 300, unless the line above
  its ``def``/``class`` says why (a comment starting ``# long:``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "src" / "export_post"
EXPORTERS = ROOT / "exporters"
EXPORTER_PACKAGES = sorted(p.name for p in EXPORTERS.iterdir() if (p / "__init__.py").is_file())
# What an exporter may import from the core (a module and everything below it).
EXPORTER_TOOLKIT = (
    "export_post.model",
    "export_post.exporter",
    "export_post.toolkit",
    "export_post.resources",
    "export_post.themes",
    "export_post.metatext",
    "export_post.diagnostics",
    "export_post.errors",
    "export_post._version",
)
MAX_FUNCTION_LINES = 60
MAX_CLASS_LINES = 300


def modules(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every module under ``folder`` with its dotted name."""
    base = folder.parent
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(base).with_suffix("").parts
        yield path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, name: str) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports (relative imports resolved), anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names)


def _within(module: str, prefixes: tuple[str, ...] | list[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_core_never_imports_an_exporter() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path, name in modules(CORE)
        for line, module in imported(path, name)
        if _within(module, EXPORTER_PACKAGES)
    ]
    assert found == []


@pytest.mark.parametrize("package", EXPORTER_PACKAGES)
def test_an_exporter_imports_only_the_toolkit_and_itself(package: str) -> None:
    others = [p for p in EXPORTER_PACKAGES if p != package]
    found = []
    for path, name in modules(EXPORTERS / package):
        for line, module in imported(path, name):
            core = _within(module, ["export_post"]) and module != "export_post"
            allowed = _within(module, EXPORTER_TOOLKIT) or module == "export_post.__version__"
            if _within(module, others) or (core and not allowed):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert found == []


def test_the_toolkit_list_is_the_one_the_architecture_page_gives() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = page.split("### The import-direction rule", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`(export_post(?:\.\w+)+)`", section))
    assert listed == set(EXPORTER_TOOLKIT)


def test_functions_and_classes_stay_small() -> None:
    too_long = []
    for folder in (CORE, EXPORTERS):
        for path, _ in modules(folder):
            lines = path.read_text(encoding="utf-8").splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    limit = MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES
                    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    reason = lines[first - 2].strip().startswith("# long:") if first > 1 else False
                    if length > limit and not reason:
                        too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    assert too_long == []


def test_every_core_module_is_placed_on_the_architecture_page() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    unplaced = [
        str(path.relative_to(CORE))
        for path, _ in modules(CORE)
        if path.name != "__init__.py" and not re.search(rf"(?<![\w.]){re.escape(path.name)}\b", page)
    ]
    assert unplaced == []
