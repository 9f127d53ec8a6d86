"""Guards on a definition's criteria and choices (``workflow.core.criteria``): the questions and
rule are data in the definition, so these guards are the same for the 2015 and the 2018 criteria.

The product records the answers and the chair's judgement; it does not decide harm itself.
Answers live in ``data.criteria`` as true/false values.
"""

from __future__ import annotations

from workflow.core.criteria import Criteria
from workflow.core.guards.registry import REGISTRY, GuardContext, Param
from workflow.core.values import is_blank, lookup

CRITERIA = Param("criteria", "criteria", doc="the name of a [criteria.<name>] table")
READS = ("criteria",)


def _said(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"'{value}'" if isinstance(value, str) else str(value)


def _criteria(ctx: GuardContext, name: str) -> Criteria:
    # The definition's load checked that the table exists.
    return ctx.criteria[name]


@REGISTRY.register("criteria_answered", params=(CRITERIA,), reads=READS)
def criteria_answered(ctx: GuardContext, criteria: str) -> list[str]:
    """Every question of the named criteria has a yes or no answer."""
    return _criteria(ctx, criteria).unanswered(ctx.data)


@REGISTRY.register("criteria_met", params=(CRITERIA,), reads=READS)
def criteria_met(ctx: GuardContext, criteria: str) -> list[str]:
    """Every question is answered and the answers meet the criteria's rule."""
    c = _criteria(ctx, criteria)
    unanswered = c.unanswered(ctx.data)
    if unanswered:
        return unanswered
    if c.met(ctx.data):
        return []
    return [c.when_not_met or f"The answers do not meet {c.label}."]


@REGISTRY.register("criteria_not_met", params=(CRITERIA,), reads=READS)
def criteria_not_met(ctx: GuardContext, criteria: str) -> list[str]:
    """Every question is answered and the answers do not meet the criteria's rule (so a step
    that is only open below the threshold is blocked when it is met)."""
    c = _criteria(ctx, criteria)
    unanswered = c.unanswered(ctx.data)
    if unanswered:
        return unanswered
    if c.met(ctx.data):
        return [c.when_met or f"The answers meet {c.label}; this step is not open."]
    return []


@REGISTRY.register(
    "required_when_met",
    params=(
        CRITERIA,
        Param("fields", "fields", doc="data keys recorded when the criteria are met"),
    ),
    reads=READS,
)
def required_when_met(ctx: GuardContext, criteria: str, fields: list[str]) -> list[str]:
    """When the answers meet the named criteria, each named data key must be recorded (the
    questions must be answered to tell)."""
    c = _criteria(ctx, criteria)
    unanswered = c.unanswered(ctx.data)
    if unanswered:
        return unanswered
    if not c.met(ctx.data):
        return []
    return [
        f"The answers show {c.label}: record data.{f}."
        for f in fields
        if is_blank(lookup(ctx.data, f))
    ]


@REGISTRY.register(
    "chosen",
    params=(Param("fields", "choice_fields", doc="data keys with a [choices.<key>] table"),),
)
def chosen(ctx: GuardContext, fields: list[str]) -> list[str]:
    """Each named data key is recorded as one of the values its ``[choices.<key>]`` table
    lists."""
    unmet = []
    for f in fields:
        values = ctx.choices[f].values
        value = lookup(ctx.data, f)
        if isinstance(value, str) and value in values:
            continue
        listed = "; ".join(f"{k} ({label})" for k, label in values.items())
        got = "not recorded" if is_blank(value) else _said(value)
        unmet.append(f"Record data.{f} as one of: {listed}; it is {got}.")
    return unmet


@REGISTRY.register(
    "equals",
    params=(
        Param("field", "field", doc="the data key"),
        Param("value", "value", doc="the value it must have"),
    ),
)
def equals(ctx: GuardContext, field: str, value: str | bool | int) -> list[str]:
    """The named data key has the given value (a branch open only for some answers, such as a
    joint agency response for an unexpected death)."""
    current = lookup(ctx.data, field)
    if current == value and type(current) is type(value):
        return []
    got = "not recorded" if is_blank(current) else _said(current)
    return [f"This step needs data.{field} to be {_said(value)} (it is {got})."]


@REGISTRY.register("not_on_opening_day")
def not_on_opening_day(ctx: GuardContext) -> list[str]:
    """The case did not open today: a review is never closed on the day it opened."""
    if ctx.opened_on is not None and ctx.opened_on >= ctx.today:
        return [
            f"The case opened today ({ctx.today.isoformat()}): a review cannot close on the day "
            "it opened; take this step from tomorrow."
        ]
    return []
