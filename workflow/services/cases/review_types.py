"""Review types: publishing a definition as the next version of its type, and reading the
published versions (the newest of each, or one version with its TOML source).

A published version never changes; every case runs on the version it was opened with.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from workflow.core.definition import Definition, load
from workflow.core.roles import Actor, Role
from workflow.services import access, catalog
from workflow.services.paging import Positive, QueryString
from workflow.services.results import Command, Result

if TYPE_CHECKING:
    from workflow.services.cases.service import Service

log = logging.getLogger(__name__)


class StateSummary(Result):
    key: str
    label: str
    final: bool


class ReviewTypeSummary(Result):
    """The newest version of a review type."""

    key: str = Field(description="The review type's key, e.g. notifiable_incident.")
    name: str
    version: int = Field(description="The latest published version.")
    initial: str = Field(description="The state a new case starts in.")
    states: list[StateSummary]

    @classmethod
    def fields_of(cls, d: Definition, version: int) -> dict[str, Any]:
        return {
            "key": d.key,
            "name": d.name,
            "version": version,
            "initial": d.initial,
            "states": [
                StateSummary(key=s.key, label=s.label, final=s.final) for s in d.states.values()
            ],
        }


class TransitionDefinition(Result):
    trigger: str
    source: list[str] = Field(description="The states it leaves from.")
    dest: str
    roles: list[str] = Field(description="The roles that may take this step.")
    label: str
    guards: list[dict[str, Any]] = Field(description="Named guards with their parameters.")


class TimerDefinition(Result):
    name: str
    label: str
    limit: str
    anchor: str
    duration: str
    runs_in: list[str]
    met_by: list[str]
    escalate_to: list[str]
    fire: str | None


class ReviewTypeDetail(ReviewTypeSummary):
    """One version of a review type, with its definition."""

    source: str = Field(description="The TOML text of this version.")
    transitions: list[TransitionDefinition]
    timers: list[TimerDefinition]

    @classmethod
    def of(cls, d: Definition, version: int, source: str) -> ReviewTypeDetail:
        transitions = [
            TransitionDefinition(
                trigger=t.trigger,
                source=list(t.sources),
                dest=t.dest,
                roles=list(t.roles),
                label=t.label,
                guards=[{"name": g.name, **dict(g.params)} for g in t.guards],
            )
            for t in d.transitions
        ]
        timers = [
            TimerDefinition(
                name=t.name,
                label=t.label,
                limit=t.limit,
                anchor=str(t.anchor),
                duration=str(t.duration),
                runs_in=list(t.runs_in),
                met_by=list(t.met_by),
                escalate_to=list(t.escalate_to),
                fire=t.fire,
            )
            for t in d.timers.values()
        ]
        summary = ReviewTypeSummary.fields_of(d, version)
        return cls(**summary, source=source, transitions=transitions, timers=timers)


class Published(Result):
    """A version just published."""

    key: str
    version: int = Field(description="One above the previous version (1 for a new type).")


class PublishReviewType(Command):
    """A definition to publish as the next version of its review type."""

    source: str = Field(
        description="The whole definition as TOML; its key must be the key in the address."
    )


class VersionQuery(QueryString):
    """Which version of a review type to show."""

    version: Positive = Field(
        None, description="A published version to show instead of the latest."
    )


def publish(
    service: Service,
    actor: Actor,
    source: str,
    file: str = "<request>",
    expected_key: str | None = None,
) -> Published:
    """Validate ``source`` and publish it as the next version of its review type (audited)."""
    access.require_role(actor, {Role.ADMIN.value, Role.SYSTEM.value}, "publish review types")
    with service.store.write() as u:
        row = catalog.publish(u, source, file, actor.name, service.now(), expected_key)
        log.info("published %s v%s by %s", row.key, row.version, actor.name)
        return Published(key=row.key, version=row.version)


def publish_missing(service: Service, folder: Path, by: str = "workflow init") -> list[Published]:
    """Publish each definition file as version 1 of its review type where none exists."""
    published = []
    with service.store.write() as u:
        known = {r.key for r in u.catalog.latest()}
        for path in catalog.definition_files(folder):
            text = path.read_text(encoding="utf-8")
            if load(text, str(path)).key in known:
                continue
            row = catalog.publish(u, text, str(path), by, service.now())
            published.append(Published(key=row.key, version=row.version))
    return published


def review_types(service: Service) -> list[ReviewTypeSummary]:
    with service.store.read() as u:
        return [
            ReviewTypeSummary(**ReviewTypeSummary.fields_of(d, row.version))
            for row, d in service.definitions.latest(u)
        ]


def review_type(service: Service, key: str, version: int | None = None) -> ReviewTypeDetail:
    with service.store.read() as u:
        row = catalog.row_for(u, key, version)
        return ReviewTypeDetail.of(service.definitions.parsed(row), row.version, row.source)


def definition(service: Service, key: str, version: int | None = None) -> Definition:
    with service.store.read() as u:
        return service.definitions.parsed(catalog.row_for(u, key, version))


__all__ = [
    "PublishReviewType",
    "Published",
    "ReviewTypeDetail",
    "ReviewTypeSummary",
    "VersionQuery",
    "definition",
    "publish",
    "publish_missing",
    "review_type",
    "review_types",
]
