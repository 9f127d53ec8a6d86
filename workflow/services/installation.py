"""Installing the product on a database: creating or upgrading the schema, publishing the
shipped review types, and saying what is wrong when the database cannot be used.

``workflow init`` and ``workflow demo`` start here; the command line asks ``database_problem``
whether an error is the database refusing to be used (a setup problem to explain, not a bug).
"""

from __future__ import annotations

from pathlib import Path

from workflow.services.administration.results import Published
from workflow.services.cases import Service
from workflow.services.results import Result
from workflow.store import db


class Installation(Result):
    """What ``initialise`` did."""

    was_current: bool  # the schema was already at the newest migration
    published: tuple[Published, ...]


def initialise(service: Service, definitions: Path) -> Installation:
    """Create or upgrade the schema, then publish each definition file whose review type has
    no version yet (as version 1). Safe to run again."""
    was_current = service.store.schema_is_current()
    service.store.upgrade_schema()
    published = service.publish_missing(definitions)
    return Installation(
        was_current=was_current,
        published=tuple(Published(key=p.key, version=p.version) for p in published),
    )


def display_url(url: str) -> str:
    """The database URL with any password hidden."""
    return db.display_url(url)


def database_problem(error: BaseException) -> str | None:
    """What the database said, when ``error`` is the database refusing to be used."""
    return db.database_problem(error)
