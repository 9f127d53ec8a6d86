"""The publication policy as the review type declares it, and the names publication works with.

Who must have the report and how long before publication is read from the review type's
definition (the ``advance_copies_sent`` guard of its ``publish`` step), never set here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workflow.core.definition import Definition, Transition
from workflow.core.roles import Role


class Step(StrEnum):
    """The steps of publication, as the shipped review types name them."""

    PUBLISH = "publish"
    DECIDE_NOT_TO_PUBLISH = "decide_not_to_publish"
    DELAY = "delay_publication"
    RESUME = "resume_publication"


class State(StrEnum):
    """The states of publication that its use cases look for."""

    DELAYED = "publication_delayed"
    NOT_PUBLISHED = "not_published"


class Timer(StrEnum):
    """The timers of publication: the report's time on the website, a delay's review date."""

    WEBSITE = "website"
    DELAY_REVIEW = "delay_review"


#: Who records the board's response and the advance copies (the business support and the chair).
RECORD_ROLES = {Role.REVIEWER.value, Role.CHAIR.value}
#: Only the chair confirms that publication is unlikely to harm any child or vulnerable adult.
HARM_CHECK_ROLES = {Role.CHAIR.value}


@dataclass(frozen=True)
class AdvancePolicy:
    """Who must have the final report before publication, and how long before."""

    recipients: tuple[str, ...]
    duration: str


def publish_step(d: Definition) -> Transition | None:
    return next((t for t in d.transitions if t.trigger == Step.PUBLISH), None)


def advance_policy(d: Definition) -> AdvancePolicy | None:
    """The review type's T5 policy, read from the ``advance_copies_sent`` guard of its publish
    step; None when the type has no such step."""
    step = publish_step(d)
    for guard in step.guards if step else ():
        if guard.name == "advance_copies_sent":
            return AdvancePolicy(tuple(guard.params["recipients"]), str(guard.params["duration"]))
    return None
