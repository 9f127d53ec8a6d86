"""The README documents every registered guard and the data keys it reads."""

from pathlib import Path

import pytest

from workflow.core.guards import REGISTRY

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(REGISTRY.guards))
def test_every_guard_is_in_the_readme_with_what_it_reads(name: str) -> None:
    guard = REGISTRY.guards[name]
    rows = [line for line in README.splitlines() if line.startswith(f"| `{name}` |")]
    assert len(rows) == 1, f"README has no row (or several) for guard {name}"
    for key in guard.reads:
        assert f"`{key}`" in rows[0], f"README row for {name} does not mention {key}"
    for param in guard.params:
        assert f"`{param.name}`" in rows[0]


def test_readme_names_the_two_commands_that_ci_runs() -> None:
    assert "bash scripts/demo.sh" in README
    assert "bash scripts/test.sh" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci


ROOT = Path(__file__).resolve().parent.parent
MAP = README[README.index("## Map: which file owns what") :]


def test_the_map_names_every_package_and_only_paths_that_exist() -> None:
    named = {
        part.strip("`")
        for line in MAP.splitlines()
        if line.startswith("| `")
        for part in line.split(" | ")[0].lstrip("| ").split(", ")
    }
    missing = sorted(n for n in named if not (ROOT / n.rstrip("/").replace("*.toml", "")).exists())
    assert not missing, f"the README's map names paths that do not exist: {missing}"
    packages = {
        f"{p.parent.relative_to(ROOT).as_posix()}/"
        for folder in ("workflow", "web")
        for p in (ROOT / folder).rglob("__init__.py")
        if "migrations" not in p.parts and p.parent.name not in ("workflow", "web")
    }
    unnamed = sorted(p for p in packages if p not in named and p not in MAP)
    assert not unnamed, f"the README's map does not say what these packages own: {unnamed}"


def test_the_readme_lists_every_review_type_as_its_definition_says() -> None:
    """Every file in definitions/ (whatever types a merge adds) with its states, limits and the
    rule each guard enforces; regenerate with ``python scripts/readme_review_types.py``."""
    from workflow.core.definition import load
    from workflow.core.definition.describe import describe

    section = README.split("<!-- review-types:begin -->", 1)[1].split("<!-- review-types:end -->")[
        0
    ]
    for path in sorted((ROOT / "definitions").glob("*.toml")):
        d = load(path.read_text(encoding="utf-8"), str(path))
        assert describe(d) in section, f"README's section for {d.key} is missing or stale"
