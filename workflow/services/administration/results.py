"""The typed values administration takes and returns; the JSON API uses them as its schemas.

A field that has no value is left out of the JSON (``absent()``), as the API always has: a
draft not yet saved has no ``updated_by``, a skipped case no ``to_state``.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from workflow.services.results import Command, Instant, Result


def absent() -> Any:
    """A field left out of the JSON while it has no value."""
    return Field(default=None, exclude_if=lambda value: value is None)


class AdminAction(StrEnum):
    """What the admin audit records."""

    PUBLISHED = "published"
    DRAFT_SAVED = "draft_saved"
    DRAFT_DISCARDED = "draft_discarded"
    MIGRATION_APPLIED = "migration_applied"


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


# -- definitions and drafts -----------------------------------------------------------------


class ProblemView(Result):
    """A problem of a draft, located: its key, its line (when found) and the sentence."""

    key: str
    line: int | None
    message: str
    text: str


class ChangeView(Result):
    kind: ChangeKind = Field(description="added, removed or changed")
    part: str
    text: str


class Preview(Result):
    """A definition checked without saving it."""

    valid: bool
    problems: tuple[ProblemView, ...]
    diagram: str | None = Field(description="Mermaid stateDiagram-v2")
    changes: tuple[ChangeView, ...] = Field(description="Against the latest version")


class DraftView(Result):
    """The draft of a review type, or the latest version to start one from (``saved`` false)."""

    key: str
    source: str
    version: int | None
    based_on_version: int | None
    updated_by: str | None = absent()
    updated_at: Instant | None = absent()
    saved: bool
    preview: Preview


class Published(Result):
    key: str
    version: int


class VersionView(Result):
    version: int
    published_at: Instant
    published_by: str
    open_cases: int


class Export(Result):
    """A published version as its TOML file."""

    key: str
    version: int
    source: str


class Diagram(Result):
    key: str
    name: str
    version: int
    mermaid: str = Field(description="Mermaid stateDiagram-v2 text")


# -- the catalogue and the audit ------------------------------------------------------------


class GuardParam(Result):
    name: str
    kind: str
    required: bool
    doc: str


class GuardView(Result):
    name: str
    doc: str
    params: tuple[GuardParam, ...]
    reads: tuple[str, ...]


class Catalogue(Result):
    """What a definition can be composed of."""

    guards: tuple[GuardView, ...]
    roles: tuple[str, ...]
    duration_units: tuple[str, ...]
    anchors: tuple[str, ...]


class AuditEntry(Result):
    at: Instant
    actor: str
    action: str
    key: str
    version: int | None
    detail: dict[str, Any]


# -- migrating open cases -------------------------------------------------------------------


class CaseRef(Command):
    id: int
    version: int = Field(description="As seen in the dry run.")


class MigrationPlan(Command):
    """Move the open cases of one version to another; a dry run unless ``dry_run`` is false."""

    from_version: int
    to_version: int
    state_map: dict[str, str] = Field(
        default_factory=dict,
        description="Old state -> new state; states not named keep their name.",
    )
    cases: tuple[CaseRef, ...] | None = Field(
        default=None,
        description="The cases to move (default: every open case of from_version).",
    )
    dry_run: bool = True


class MigrationOutcome(StrEnum):
    PLANNED = "planned"
    MIGRATED = "migrated"
    SKIPPED = "skipped"


class DeadlineMove(Result):
    """What a migration does to one deadline: ``op`` is open, move or cancel."""

    op: str
    name: str
    from_due_date: date | None = absent()
    due_date: date | None = absent()


class CaseMigration(Result):
    id: int
    reference: str | None = absent()
    version: int | None = absent()
    from_state: str | None = absent()
    to_state: str | None = absent()
    outcome: MigrationOutcome = Field(description="planned, migrated or skipped")
    reason: str | None = absent()
    blocked: dict[str, list[str]] | None = absent()
    deadlines: tuple[DeadlineMove, ...] | None = absent()


class Migration(Result):
    key: str
    from_version: int
    to_version: int
    dry_run: bool
    cases: tuple[CaseMigration, ...]
