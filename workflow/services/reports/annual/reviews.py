"""The annual report's reviews and decisions, counted from the audit trail: reviews opened,
completed, ended (by outcome), published (on their recorded publication date), not published
and delayed, by review type; the steps the chair took, by review type and step."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.core.calendar import WorkingCalendar
from workflow.core.definition import Definition
from workflow.core.definition.publication import Publication
from workflow.core.guards.publication import PUBLISHED_AS, PublishedAs
from workflow.core.roles import Role
from workflow.core.values import BadValue, as_date
from workflow.services.reports.annual.period import Period
from workflow.services.reports.annual.results import (
    DecisionRow,
    Ended,
    PublicationRow,
    ReviewMeasure,
    ReviewRow,
)
from workflow.store.reports import CaseOpened, PublicationRecorded, StepTaken

#: The timer that measures a review's completion, by its name or by its limit.
COMPLETION_TIMER, COMPLETION_LIMIT = "completion", "T4"


@dataclass(frozen=True)
class Trail:
    """What the reviews and decisions are counted from, for one period."""

    defs: Mapping[str, Definition]
    cases: Mapping[int, CaseOpened]
    steps: Sequence[StepTaken]
    publications: Mapping[int, PublicationRecorded]
    period: Period
    calendar: WorkingCalendar

    def in_period(self, step: StepTaken) -> bool:
        return self.period.contains(self.calendar.local_date(step.at))


def completion_triggers(d: Definition) -> set[str]:
    """The steps that complete a review of this type: those that meet its completion timer
    (named ``completion`` or with limit T4), or, for a type without one, each step into an end
    state."""
    for timer in d.timers.values():
        if (timer.name == COMPLETION_TIMER or timer.limit == COMPLETION_LIMIT) and timer.met_by:
            return set(timer.met_by)
    return {t.trigger for t in d.transitions if t.dest in d.final_states}


def review_rows(trail: Trail) -> tuple[list[ReviewRow], list[PublicationRow]]:
    """The reviews of each type, and each report published in the period (by day, then case)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for case in trail.cases.values():
        if trail.period.contains(trail.calendar.local_date(case.created_at)):
            counts[case.review_type][ReviewMeasure.OPENED] += 1
    ended = _completed_and_ended(trail, counts)
    published = _outcomes(trail, counts)
    published.sort(key=lambda p: (p.published_on, p.case))
    rows = []
    for key in sorted(set(trail.defs) | set(counts)):
        d = trail.defs.get(key)
        rows.append(
            ReviewRow(
                review_type=key,
                name=d.name if d else key,
                **{m: counts[key][m] for m in ReviewMeasure},
                ended=[
                    Ended(state=state, label=d.label_of(state) if d else state, count=n)
                    for state, n in sorted(ended[key].items())
                ],
            )
        )
    return rows, published


def _completed_and_ended(trail: Trail, counts: dict[str, Counter[str]]) -> dict[str, Counter[str]]:
    """Count each review completed in the period (the first time its completion step was
    taken), and return those that first reached an end state in it, by type and state."""
    completing = {key: completion_triggers(d) for key, d in trail.defs.items()}
    completed: set[int] = set()
    finished: set[int] = set()
    ended: dict[str, Counter[str]] = defaultdict(Counter)
    for step in trail.steps:
        case = trail.cases.get(step.case_id)
        if case is None:
            continue
        rtype = case.review_type
        d = trail.defs.get(rtype)
        if step.trigger in completing.get(rtype, ()) and step.case_id not in completed:
            completed.add(step.case_id)
            if trail.in_period(step):
                counts[rtype][ReviewMeasure.COMPLETED] += 1
        if d is not None and step.to_state in d.final_states and step.case_id not in finished:
            finished.add(step.case_id)
            if trail.in_period(step):
                ended[rtype][step.to_state or ""] += 1
    return ended


def _outcomes(trail: Trail, counts: dict[str, Counter[str]]) -> list[PublicationRow]:
    """Count the publication outcomes of the period; the reports published in it."""
    published = []
    for step in trail.steps:
        case = trail.cases.get(step.case_id)
        if case is None:
            continue
        rtype = case.review_type
        names = trail.defs[rtype].publication if rtype in trail.defs else Publication()
        if step.trigger == names.publish:
            recorded = trail.publications.get(step.case_id)
            day = _day(recorded.published_at if recorded else None)
            on = day or trail.calendar.local_date(step.at)
            if trail.period.contains(on):
                counts[rtype][ReviewMeasure.PUBLISHED] += 1
                form = recorded.published_as if recorded else None
                published.append(
                    PublicationRow(
                        case=case.reference,
                        review_type=rtype,
                        published_on=on,
                        published_as=str(form)
                        if form in PUBLISHED_AS
                        else PublishedAs.FULL_REPORT.value,
                    )
                )
        elif step.trigger == names.decide_not_to_publish and trail.in_period(step):
            counts[rtype][ReviewMeasure.NOT_PUBLISHED] += 1
        elif step.trigger == names.delay and trail.in_period(step):
            counts[rtype][ReviewMeasure.DELAYED] += 1
    return published


def publishes(
    defs: Mapping[str, Definition], cases: Mapping[int, CaseOpened], step: StepTaken
) -> bool:
    """Whether ``step`` is the publish step of its case's review type (``[publication]``)."""
    case = cases.get(step.case_id)
    d = defs.get(case.review_type) if case is not None else None
    return step.trigger == (d.publication if d is not None else Publication()).publish


def _day(value: Any) -> date | None:
    try:
        return as_date(value, "date")
    except BadValue:
        return None


def decision_rows(trail: Trail) -> list[DecisionRow]:
    """The chair's steps in the period, by review type and step."""
    counts: Counter[tuple[str, str]] = Counter()
    for step in trail.steps:
        case = trail.cases.get(step.case_id)
        if (
            step.actor_role == Role.CHAIR
            and step.trigger
            and case is not None
            and trail.in_period(step)
        ):
            counts[(case.review_type, step.trigger)] += 1
    return [
        DecisionRow(
            review_type=rtype,
            trigger=trigger,
            label=_label_of(trail.defs.get(rtype), trigger),
            count=n,
        )
        for (rtype, trigger), n in sorted(counts.items())
    ]


def _label_of(d: Definition | None, trigger: str) -> str:
    t = next((x for x in d.transitions if x.trigger == trigger), None) if d else None
    return t.label if t and t.label else trigger.replace("_", " ").capitalize()
