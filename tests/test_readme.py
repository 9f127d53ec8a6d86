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
