"""The vocabulary the demo board's cases are written in: a ``Step`` (a trigger, the role that
takes it, the data it records, the records its guards read), a ``Plan`` (a case and the steps
that bring it to its stage), and the few values many plans share. Dates are relative to the day
the board is loaded, so a fresh board is always current."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from workflow.services.demo.people import LEAD, LEAD_ORGANISATION

if TYPE_CHECKING:
    from workflow.services.cases import Service

#: Records made before a step: (service, case id, today, the case's agencies).
Making = Callable[["Service", int, date, tuple[str, ...]], None]


@dataclass(frozen=True)
class Step:
    """One step of a demo case: a trigger, who takes it (by role), the data it records."""

    trigger: str
    role: str
    data: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    records: Making | None = None  # the records the step's guards read, made just before it
    dated: Mapping[str, int] = field(default_factory=dict)  # data keys set to today + N days


@dataclass(frozen=True)
class Plan:
    """A demo case: its review type, title and data, and the steps to its stage."""

    review_type: str
    title: str
    data: Mapping[str, Any]
    steps: tuple[Step, ...] = ()
    # Steps taken on the case its last step opens (a conversion), e.g. into scoping.
    linked_steps: tuple[Step, ...] = ()
    # Opened this many days before the board is loaded (a review never closes the day it opened).
    opened_days_ago: int = 0


def day(today: date, days: int) -> str:
    """The date ``days`` from today (before it, when negative), as ISO text."""
    return (today + timedelta(days=days)).isoformat()


def criteria(
    *, died: bool = False, harmed: bool = True, abuse: bool = True, concern: bool | None = None
) -> dict[str, bool]:
    """The answers to the notification criteria (and, with ``concern``, the review criteria)."""
    answers = {
        "abuse_or_neglect": abuse,
        "child_died": died,
        "seriously_harmed": harmed,
        "looked_after_child": False,
        "regulated_setting": False,
    }
    if concern is not None:
        answers.update(concern_about_working_together=concern, died_in_custody=False)
    return answers


def lead_reviewer() -> dict[str, Any]:
    """The demo's independent lead reviewer, as ``data.lead_reviewer`` names one."""
    return {"name": LEAD.name, "organisations": [LEAD_ORGANISATION]}


def rationale(text: str) -> dict[str, str]:
    return {"decision_rationale": text}
