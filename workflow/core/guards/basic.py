"""General guards over the case's data: required keys and dates."""

from __future__ import annotations

from workflow.core.calendar import parse_duration
from workflow.core.guards.registry import REGISTRY, GuardContext, Param
from workflow.core.values import BadValue, as_date, is_blank, lookup


def _label(path: str) -> str:
    return path.split(".")[-1].replace("_", " ")


@REGISTRY.register(
    "required",
    params=(Param("fields", "fields", doc="the data keys that must be recorded"),),
)
def required(ctx: GuardContext, fields: list[str]) -> list[str]:
    """Each named data key must be recorded (not empty)."""
    return [f"Record the {_label(f)} (data.{f})." for f in fields if is_blank(lookup(ctx.data, f))]


@REGISTRY.register(
    "confirmed",
    params=(Param("fields", "fields", doc="yes/no data keys that must be answered yes"),),
)
def confirmed(ctx: GuardContext, fields: list[str]) -> list[str]:
    """Each named data key is confirmed: recorded as true (false or missing is not enough)."""
    return [
        f"Confirm the {_label(f)} (data.{f} = true)."
        for f in fields
        if lookup(ctx.data, f) is not True
    ]


@REGISTRY.register(
    "not_in_future",
    params=(Param("fields", "fields", doc="date keys that cannot be after today"),),
)
def not_in_future(ctx: GuardContext, fields: list[str]) -> list[str]:
    """Each named date, when recorded, is a valid date and not after today (Europe/London)."""
    unmet = []
    for f in fields:
        try:
            day = as_date(lookup(ctx.data, f), f)
        except BadValue as exc:
            unmet.append(str(exc) + ".")
            continue
        if day is not None and day > ctx.today:
            unmet.append(
                f"The {_label(f)} (data.{f}) is {day.isoformat()}, which is in the future; "
                f"record the date it actually happened (today is {ctx.today.isoformat()})."
            )
    return unmet


@REGISTRY.register(
    "not_before",
    params=(
        Param("field", "field", doc="the later date"),
        Param("other", "field", doc="the date it cannot precede"),
    ),
)
def not_before(ctx: GuardContext, field: str, other: str) -> list[str]:
    """The date ``field`` is not before the date ``other`` (when both are recorded)."""
    try:
        later = as_date(lookup(ctx.data, field), field)
        earlier = as_date(lookup(ctx.data, other), other)
    except BadValue as exc:
        return [str(exc) + "."]
    if later and earlier and later < earlier:
        return [
            f"The {_label(field)} (data.{field}, {later}) cannot be before the "
            f"{_label(other)} (data.{other}, {earlier})."
        ]
    return []


@REGISTRY.register(
    "elapsed_since",
    params=(
        Param("field", "field", doc="the date the period runs from"),
        Param("duration", "duration", doc="how long must have passed, e.g. '1 week'"),
    ),
)
def elapsed_since(ctx: GuardContext, field: str, duration: str) -> list[str]:
    """At least ``duration`` has passed since the date ``field`` (which must be recorded)."""
    try:
        start = as_date(lookup(ctx.data, field), field)
    except BadValue as exc:
        return [str(exc) + "."]
    if start is None:
        return [f"Record the {_label(field)} (data.{field})."]
    earliest = ctx.calendar.last_day(start, parse_duration(duration))
    if ctx.today < earliest:
        return [
            f"At least {duration} must pass after the {_label(field)} ({start}); "
            f"the earliest day is {earliest.isoformat()}."
        ]
    return []
