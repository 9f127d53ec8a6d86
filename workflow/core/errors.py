"""The one tree of errors the product raises.

Every error explains itself: ``message`` is a sentence a person can act on and ``details`` lists
each problem. Only ``web/`` maps these to HTTP codes and only ``cli.py`` maps them to exit codes.
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
    """A request's data is malformed or breaks a rule of the review type; nothing was changed."""

    code = "invalid_input"


class TransitionNotAllowed(WorkflowError):
    """The trigger does not leave the case's current state."""

    code = "not_available"


class TransitionBlocked(WorkflowError):
    """Guards refused the step; ``details`` holds every unmet requirement as a sentence."""

    code = "blocked"


class VersionConflict(WorkflowError):
    """Someone else changed the case first; reload it and try again."""

    code = "version_conflict"


class NotFound(WorkflowError):
    code = "not_found"


class PermissionDenied(WorkflowError):
    code = "forbidden"


class AlreadyExists(WorkflowError):
    code = "already_exists"
