"""The cases: opening them, reading them (one, a page, their audit trail), changing their data,
taking steps, and publishing the review types they run on.

``Service`` (in ``service``) holds what every use case works with and offers the case use
cases as methods; ``commands`` are what they take, ``results`` what they answer.
"""

from workflow.services.cases.commands import CaseQuery, ChangeData, OpenCase, TakeStep
from workflow.services.cases.results import (
    CasePage,
    CaseSummary,
    CaseView,
    DeadlineView,
    EventView,
    LinkedCase,
    StepOption,
)
from workflow.services.cases.service import Service

__all__ = [
    "CasePage",
    "CaseQuery",
    "CaseSummary",
    "CaseView",
    "ChangeData",
    "DeadlineView",
    "EventView",
    "LinkedCase",
    "OpenCase",
    "Service",
    "StepOption",
    "TakeStep",
]
