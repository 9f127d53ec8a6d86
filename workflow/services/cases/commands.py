"""What a person asks of a case: open one, change its data, take a step, list cases.

Each is validated once where it enters (the API body, a page form, a Python caller through
``Service``); the use cases trust the types and check the rules of the review type.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictInt

from workflow.services.paging import PageQuery
from workflow.services.results import Command

_NOTE = "Why, for the audit trail."


class CaseChange(Command):
    """A change to a case: it names the version of the case its sender last read, so a change
    someone else made in between is never overwritten (409 instead)."""

    expected_version: StrictInt = Field(description="The version of the case you last read.")


class OpenCase(Command):
    """Open a case of a review type in its initial state."""

    review_type: str = Field(description="The key of the review type, e.g. notifiable_incident.")
    title: str = Field(description="e.g. 'Child A'.")
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="The case's named values, checked against the review type's rules.",
    )


class ChangeData(CaseChange):
    """Merge values into the case's data, key by key."""

    data: dict[str, Any] = Field(
        description="Merged key by key into the case's data; a null value removes the key."
    )
    note: str = Field("", description=_NOTE)


class TakeStep(CaseChange):
    """Take a step (fire a trigger) on the case."""

    trigger: str = Field(description="The step to take, e.g. notify.")
    note: str = Field("", description=_NOTE)
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="Merged into the case's data before the guards run, in the same transaction.",
    )


class CaseQuery(PageQuery):
    """Which cases to list: filters, then the page."""

    review_type: str = Field("", description="Only cases of this review type (its key).")
    state: str = Field("", description="Only cases in this state (its key).")
    overdue: bool = Field(
        False,
        description="true: only cases with a deadline that has fallen due and was not met in time.",
    )


__all__ = ["CaseChange", "CaseQuery", "ChangeData", "OpenCase", "TakeStep"]
