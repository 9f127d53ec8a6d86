"""Every case on the demonstration board: one at each stage of every shipped review type."""

from __future__ import annotations

from datetime import date

from workflow.services.demo import incidents, non_statutory, reviews
from workflow.services.demo.steps import Plan


def plans(today: date) -> list[Plan]:
    """Every demo case (dates relative to today), in the order the printout lists them."""
    return [
        *incidents.notifiable(today),
        *reviews.serious(today),
        *incidents.child_death(today),
        *reviews.learning(today),
        *incidents.serious_incidents(today),
        *incidents.rapid(today),
        *reviews.local_practice(today),
        *non_statutory.non_statutory(today),
    ]
