"""Published review-type versions: publishing new ones and loading them, parsed once each."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from workflow.core.definition import Definition, load
from workflow.core.errors import DefinitionError, NotFound, Problem
from workflow.store.models.admin import AdminEvent
from workflow.store.models.cases import ReviewTypeVersion

_cache: dict[tuple[str, int, str], Definition] = {}
_lock = threading.Lock()


def parsed(row: ReviewTypeVersion) -> Definition:
    """The Definition of a stored version, parsed once. Keyed by its text as well as its key and
    version, so two databases in one process never share a definition by accident."""
    cache_key = (row.key, row.version, row.source)
    found = _cache.get(cache_key)
    if found is not None:
        return found
    definition = load(row.source, f"{row.key} v{row.version}")
    with _lock:
        return _cache.setdefault(cache_key, definition)


def latest_rows(session: Session) -> list[ReviewTypeVersion]:
    newest = (
        select(ReviewTypeVersion.key, func.max(ReviewTypeVersion.version).label("v"))
        .group_by(ReviewTypeVersion.key)
        .subquery()
    )
    query = (
        select(ReviewTypeVersion)
        .join(
            newest,
            and_(
                col(ReviewTypeVersion.key) == newest.c.key,
                col(ReviewTypeVersion.version) == newest.c.v,
            ),
        )
        .order_by(ReviewTypeVersion.key)
    )
    return list(session.exec(query))


def row_for(session: Session, key: str, version: int | None = None) -> ReviewTypeVersion:
    query = select(ReviewTypeVersion).where(ReviewTypeVersion.key == key)
    if version is not None:
        query = query.where(ReviewTypeVersion.version == version)
    row = session.exec(query.order_by(ReviewTypeVersion.version.desc()).limit(1)).first()  # type: ignore[attr-defined]
    if row is None:
        known = ", ".join(r.key for r in latest_rows(session)) or "none yet (run 'workflow init')"
        which = f"version {version} of " if version is not None else ""
        raise NotFound(f"There is no {which}review type '{key}'; known review types: {known}.")
    return row


def publish(
    session: Session,
    source: str,
    file: str,
    by: str,
    now: datetime,
    expected_key: str | None = None,
) -> ReviewTypeVersion:
    """Validate and store ``source`` as the next version of its review type."""
    definition = load(source, file)
    if expected_key is not None and definition.key != expected_key:
        raise DefinitionError(
            [Problem(file, "key", f"is '{definition.key}' but the address names '{expected_key}'")]
        )
    top = session.exec(
        select(func.max(ReviewTypeVersion.version)).where(ReviewTypeVersion.key == definition.key)
    ).one()
    row = ReviewTypeVersion(
        key=definition.key,
        version=int(top or 0) + 1,
        name=definition.name,
        source=source,
        schema_version=definition.schema,
        published_at=now,
        published_by=by,
    )
    session.add(row)
    session.flush()
    session.add(
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
