"""The publication policy as the review type declares it.

The names publication works with (its steps, states and timers) are the definition's
``[publication]`` (``Definition.publication``); who must have the report and how long before
publication is read from the ``advance_copies_sent`` guard of its publish step. Neither is set
here.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.core.definition import Definition, Transition
from workflow.core.roles import Role

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
    return next((t for t in d.transitions if t.trigger == d.publication.publish), None)


def advance_policy(d: Definition) -> AdvancePolicy | None:
    """The review type's T5 policy, read from the ``advance_copies_sent`` guard of its publish
    step; None when the type has no such step."""
    step = publish_step(d)
    for guard in step.guards if step else ():
        if guard.name == "advance_copies_sent":
            return AdvancePolicy(tuple(guard.params["recipients"]), str(guard.params["duration"]))
    return None
