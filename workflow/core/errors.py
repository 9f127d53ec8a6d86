"""The one tree of errors the product raises.

Every error explains itself: ``message`` is a sentence a person can act on and ``details`` lists
each problem. Each also carries its facts as attributes (the trigger and state of a refused step,
the current version of a case someone else changed, every problem of a definition), so the HTTP
and command-line edges build their answers from facts, not by parsing sentences. Only ``web/``
maps these to HTTP codes and only ``workflow/cli`` maps them to exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class WorkflowError(Exception):
    """Root of every error the product raises on purpose."""

    code = "workflow_error"

    def __init__(self, message: str, details: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[str] = list(details)

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"- {d}" for d in self.details)


@dataclass(frozen=True)
class Problem:
    """One problem found in a definition file: where it is and what is wrong."""

    file: str
    key: str
    message: str
    line: int | None = None  # 1-based line in the source, where it could be found

    def __str__(self) -> str:
        where = f"{self.key}: " if self.key else ""
        return f"{self.file}: {where}{self.message}"


class DefinitionError(WorkflowError):
    """A review-type definition is invalid. Carries every problem found, not just the first."""

    code = "invalid_definition"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"The definition has {count} {noun}; fix each one listed and try again.",
            [str(p) for p in self.problems],
        )


class InvalidInput(WorkflowError):
    """A request's data is malformed or breaks a rule of the review type; nothing was changed.
    ``problems`` are the details: each one a sentence (``field: problem`` for a field)."""

    code = "invalid_input"

    @property
    def problems(self) -> list[str]:
        return self.details


class TransitionNotAllowed(WorkflowError):
    """The trigger does not leave the case's current state (or is no step of its type)."""

    code = "not_available"

    def __init__(
        self, message: str, *, trigger: str, state: str, available: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.trigger = trigger
        self.state = state
        self.available = tuple(available)


class TransitionBlocked(WorkflowError):
    """Guards refused the step; ``unmet`` (and ``details``) hold every unmet requirement."""

    code = "blocked"

    def __init__(
        self, message: str, unmet: Iterable[str], *, trigger: str = "", state: str = ""
    ) -> None:
        super().__init__(message, unmet)
        self.trigger = trigger
        self.state = state

    @property
    def unmet(self) -> list[str]:
        return self.details


class VersionConflict(WorkflowError):
    """Someone else changed the case first; reload it and try again. ``current_version`` is
    the version now stored, when it is known."""

    code = "version_conflict"

    def __init__(
        self,
        message: str,
        *,
        current_version: int | None = None,
        expected_version: int | None = None,
    ) -> None:
        details = [f"current version: {current_version}"] if current_version is not None else []
        super().__init__(message, details)
        self.current_version = current_version
        self.expected_version = expected_version

    @classmethod
    def stale(cls, current: int, expected: int | None, what: str = "case") -> VersionConflict:
        """The usual refusal of a write made on a version someone else has since changed."""
        return cls(
            f"The {what} is at version {current}, not {expected}: someone else changed it. "
            "Reload it, check their change, and try again with the current version.",
            current_version=current,
            expected_version=expected,
        )


class NotFound(WorkflowError):
    code = "not_found"


class PermissionDenied(WorkflowError):
    """The actor's role may not do this; ``role`` and ``allowed`` say who may."""

    code = "forbidden"

    def __init__(
        self,
        message: str,
        details: Iterable[str] = (),
        *,
        role: str = "",
        allowed: Sequence[str] = (),
    ) -> None:
        super().__init__(message, details)
        self.role = role
        self.allowed = tuple(allowed)


class AlreadyExists(WorkflowError):
    code = "already_exists"
