"""Published review-type versions: publishing new ones and finding them, each parsed once.

``DefinitionCache`` is the product's one cache of parsed definitions: a published version never
changes, so each one is parsed once per process, keyed by its text as well as its key and
version (two databases in one process never share a definition by accident).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from workflow.core.definition import Definition, load
from workflow.core.errors import DefinitionError, NotFound, Problem
from workflow.store.models.admin import AdminEvent
from workflow.store.models.catalog import ReviewTypeVersion
from workflow.store.unit import Unit


class DefinitionCache:
    """Parsed definitions by stored version."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, int, str], Definition] = {}
        self._lock = threading.Lock()

    def parsed(self, row: ReviewTypeVersion) -> Definition:
        """The Definition of a stored version, parsed once."""
        cache_key = (row.key, row.version, row.source)
        found = self._parsed.get(cache_key)
        if found is not None:
            return found
        definition = load(row.source, f"{row.key} v{row.version}")
        with self._lock:
            return self._parsed.setdefault(cache_key, definition)

    def of_version(self, u: Unit, version_id: int) -> Definition:
        """The definition a case runs on (its ``definition_id``). A published version never
        changes: the store remembers which one an id is, so it is read once per store."""
        key = ("definition", version_id)
        found: Definition | None = u.memo.get(key)
        if found is None:
            row = u.catalog.by_id(version_id)
            if row is None:
                raise NotFound(f"Version {version_id} of a review type is missing.")
            found = u.memo.setdefault(key, self.parsed(row))
        return found

    def latest(self, u: Unit) -> list[tuple[ReviewTypeVersion, Definition]]:
        """The newest version of each review type, parsed."""
        return [(row, self.parsed(row)) for row in u.catalog.latest()]


#: The cache every service of this process shares.
DEFINITIONS = DefinitionCache()


def row_for(u: Unit, key: str, version: int | None = None) -> ReviewTypeVersion:
    """That version of a review type (the newest when ``version`` is None), or a NotFound that
    lists the review types there are."""
    row = u.catalog.version(key, version)
    if row is None:
        known = ", ".join(r.key for r in u.catalog.latest()) or "none yet (run 'workflow init')"
        which = f"version {version} of " if version is not None else ""
        raise NotFound(f"There is no {which}review type '{key}'; known review types: {known}.")
    return row


def publish(
    u: Unit,
    source: str,
    file: str,
    by: str,
    now: datetime,
    expected_key: str | None = None,
) -> ReviewTypeVersion:
    """Validate and store ``source`` as the next version of its review type (audited)."""
    definition = load(source, file)
    if expected_key is not None and definition.key != expected_key:
        raise DefinitionError(
            [Problem(file, "key", f"is '{definition.key}' but the address names '{expected_key}'")]
        )
    row = u.catalog.add_version(
        ReviewTypeVersion(
            key=definition.key,
            version=0,
            name=definition.name,
            source=source,
            schema_version=definition.schema,
            published_at=now,
            published_by=by,
        )
    )
    u.catalog.audit(
        AdminEvent(
            at=now,
            actor=by,
            action="published",
            key=row.key,
            version=row.version,
            detail={"file": file},
        )
    )
    return row


def definition_files(folder: Path) -> Iterable[Path]:
    return sorted(folder.glob("*.toml"))
