"""The catalogue's rows: the published, immutable versions of each review type."""

from __future__ import annotations

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from workflow.store.models.admin import AdminEvent
from workflow.store.models.catalog import ReviewTypeVersion


class CatalogRepository:
    """Published review-type versions (``review_type_version``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def latest(self) -> list[ReviewTypeVersion]:
        """The newest version of each review type, by key."""
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
            .order_by(col(ReviewTypeVersion.key))
        )
        return list(self._session.exec(query))

    def version(self, key: str, version: int | None = None) -> ReviewTypeVersion | None:
        """That version of the review type (the newest when ``version`` is None)."""
        query = select(ReviewTypeVersion).where(col(ReviewTypeVersion.key) == key)
        if version is not None:
            query = query.where(col(ReviewTypeVersion.version) == version)
        query = query.order_by(col(ReviewTypeVersion.version).desc()).limit(1)
        return self._session.exec(query).first()

    def by_id(self, version_id: int) -> ReviewTypeVersion | None:
        return self._session.get(ReviewTypeVersion, version_id)

    def all(self) -> list[ReviewTypeVersion]:
        return list(self._session.exec(select(ReviewTypeVersion)))

    def versions_of(self, key: str) -> list[ReviewTypeVersion]:
        query = select(ReviewTypeVersion).where(col(ReviewTypeVersion.key) == key)
        return list(self._session.exec(query.order_by(col(ReviewTypeVersion.version))))

    def add_version(self, row: ReviewTypeVersion) -> ReviewTypeVersion:
        """Store ``row`` as the next version of its key (its ``version`` is set here)."""
        top = self._session.exec(
            select(func.max(ReviewTypeVersion.version)).where(col(ReviewTypeVersion.key) == row.key)
        ).one()
        row.version = int(top or 0) + 1
        self._session.add(row)
        self._session.flush()
        return row

    def audit(self, event: AdminEvent) -> None:
        """Append to the administrators' audit (append-only)."""
        self._session.add(event)
