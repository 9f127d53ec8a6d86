"""The shape of the code, held by tests: the layers and what each may import, and small modules
and functions. A change that breaks one of these rules fails here, naming the place.

- ``pyproject.toml`` ``[tool.importlinter]``: data flows one way (entry points, services, store,
  core); nothing above the store writes SQL; the store knows no HTTP.
- The core imports nothing that does I/O: only the standard library's pure modules, ``transitions``
  and ``holidays``.
- No module over 400 lines (migrations are generated, so they are left out), no function over 50
  lines, and none whose cyclomatic complexity radon grades worse than C.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    p
    for folder in ("workflow", "web")
    for p in (REPO / folder).rglob("*.py")
    if "migrations" not in p.parts
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
WORST_GRADE = "C"

#: What the core may import besides itself: pure modules of the standard library, the state
#: machine and the bank holidays.
CORE_MAY_IMPORT = {
    "__future__",
    "rapidfuzz",  # string similarity, pure computation (the register's near matches)
    "collections",
    "dataclasses",
    "datetime",
    "enum",
    "functools",
    "hashlib",  # pure computation: the audit trail's hash chains
    "itertools",
    "json",  # pure text to values: reading input strictly
    "math",
    "re",
    "threading",
    "tomllib",
    "types",
    "typing",
    "unicodedata",  # comparing names ignoring accents
    "zoneinfo",
    "transitions",
    "holidays",
    "workflow",
}


def _name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _offences() -> set[str]:
    found = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found.add(f"{_name(path)}: module")
        for block in cc_visit(text):
            # A class is measured by its methods, not as one block.
            items = getattr(block, "methods", None)
            for item in [block] if items is None else items:
                where = f"{_name(path)}:{item.name}"
                if item.endline - item.lineno + 1 > MAX_FUNCTION_LINES:
                    found.add(f"{where}: length")
                if cc_rank(item.complexity) > WORST_GRADE:
                    found.add(f"{where}: complexity")
    return found


def test_modules_and_functions_are_small() -> None:
    offences = sorted(_offences())
    assert not offences, (
        f"over {MAX_MODULE_LINES} lines a module, {MAX_FUNCTION_LINES} a function, or "
        f"complexity worse than {WORST_GRADE}; split by job:\n" + "\n".join(offences)
    )


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if "core" in p.relative_to(REPO).parts[:2]], ids=_name
)
def test_the_core_does_no_io(path: Path) -> None:
    assert _imports(path) <= CORE_MAY_IMPORT, sorted(_imports(path) - CORE_MAY_IMPORT)


def test_imports_keep_the_layers() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
