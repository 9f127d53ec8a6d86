"""The names publication works with in a review type (``[publication]``): which step publishes
the report, which decides not to, which delays and resumes it, the states of a delay and of
not publishing, and the timers of the report's time on the website and of a delay's review.

The publication use cases and the annual report read them from the case's definition, never
from constants, so a board may name its steps as it likes. Left out, each keeps the name the
shipped review types use; a name given must exist in the definition. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Publication:
    """The publication names of one review type."""

    publish: str = "publish"
    decide_not_to_publish: str = "decide_not_to_publish"
    delay: str = "delay_publication"
    resume: str = "resume_publication"
    delayed_state: str = "publication_delayed"
    not_published_state: str = "not_published"
    website_timer: str = "website"
    delay_review_timer: str = "delay_review"

    @property
    def timers(self) -> tuple[str, str]:
        return (self.website_timer, self.delay_review_timer)


KEYS = tuple(f.name for f in fields(Publication))
#: What each key names, to say where a name given must exist.
_NAMES = {"state": "states", "timer": "timers"}


def _kind(key: str) -> str:
    return key.rpartition("_")[2] if key.endswith(("_state", "_timer")) else "step"


def parse_publication(
    value: Any,
    triggers: set[str],
    states: Mapping[str, Any],
    timers: Mapping[str, Any],
) -> tuple[Publication, list[tuple[str, str]]]:
    """The ``[publication]`` table, with each problem as (where, what)."""
    if value is None:
        return Publication(), []
    if not isinstance(value, dict):
        return Publication(), [("publication", "must be a table of names: " + ", ".join(KEYS))]
    problems = list(_problems(value, triggers, states, timers))
    given = {k: v for k, v in value.items() if k in KEYS and isinstance(v, str) and v.strip()}
    return Publication(**given), problems


def _problems(
    value: Mapping[str, Any],
    triggers: set[str],
    states: Mapping[str, Any],
    timers: Mapping[str, Any],
) -> Iterator[tuple[str, str]]:
    known = {"step": triggers, "state": set(states), "timer": set(timers)}
    for key, name in value.items():
        where = f"publication.{key}"
        if key not in KEYS:
            yield where, f"unknown key '{key}'; allowed keys are: {', '.join(KEYS)}"
            continue
        kind = _kind(key)
        if not isinstance(name, str) or not name.strip():
            yield where, f"must be the name of a {kind} of this definition"
        elif name not in known[kind]:
            listed = ", ".join(sorted(known[kind])) or "none"
            yield where, f"'{name}' is not a {kind} of this definition; its {kind}s: {listed}"
