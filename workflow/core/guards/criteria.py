"""Guards on the statutory criteria: notifiable incidents and serious case reviews.

The product records the answers and the chair's judgement; it does not decide harm itself.
Answers live in ``data.criteria`` as true/false values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.core.guards.registry import REGISTRY, GuardContext

QUESTIONS = {
    "abuse_or_neglect": "is abuse or neglect known or suspected",
    "child_died": "has the child died (including suspected suicide)",
    "seriously_harmed": "has the child been seriously harmed",
    "concern_about_working_together": (
        "is there cause for concern about how the authority, its partners or others worked together"
    ),
    "looked_after_child": "was the child looked after",
    "regulated_setting": "was the child in a regulated setting or service",
    "died_in_custody": (
        "did the child die in custody, on remand, in a young offender institution, secure training "
        "centre or secure children's home, or while detained under mental-health law"
    ),
}
NOTIFIABLE_QUESTIONS = (
    "abuse_or_neglect",
    "child_died",
    "seriously_harmed",
    "looked_after_child",
    "regulated_setting",
)
SCR_QUESTIONS = (
    "abuse_or_neglect",
    "child_died",
    "seriously_harmed",
    "concern_about_working_together",
    "died_in_custody",
)


def _answers(data: Mapping[str, Any]) -> Mapping[str, Any]:
    value = data.get("criteria")
    return value if isinstance(value, Mapping) else {}


def _unanswered(data: Mapping[str, Any], questions: tuple[str, ...]) -> list[str]:
    answers = _answers(data)
    return [
        f"Answer yes or no (data.criteria.{q}): {QUESTIONS[q]}?"
        for q in questions
        if not isinstance(answers.get(q), bool)
    ]


def notifiable_criteria_met(data: Mapping[str, Any]) -> bool:
    a = _answers(data)
    abuse, died = a.get("abuse_or_neglect") is True, a.get("child_died") is True
    return (abuse and (died or a.get("seriously_harmed") is True)) or (
        died and (a.get("looked_after_child") is True or a.get("regulated_setting") is True)
    )


def scr_criteria_met(data: Mapping[str, Any]) -> bool:
    """Regulation 5: abuse or neglect and (death, or serious harm with concern); or custody
    death."""
    a = _answers(data)
    abuse = a.get("abuse_or_neglect") is True
    harmed_with_concern = (
        a.get("seriously_harmed") is True and a.get("concern_about_working_together") is True
    )
    return (abuse and (a.get("child_died") is True or harmed_with_concern)) or (
        a.get("died_in_custody") is True
    )


READS = tuple(f"criteria.{q}" for q in NOTIFIABLE_QUESTIONS)


@REGISTRY.register("notifiable_criteria_answered", reads=READS)
def notifiable_answered(ctx: GuardContext) -> list[str]:
    """Every question of the notifiable-incident criteria has a yes or no answer."""
    return _unanswered(ctx.data, NOTIFIABLE_QUESTIONS)


@REGISTRY.register("notifiable_criteria_met", reads=READS)
def notifiable_met(ctx: GuardContext) -> list[str]:
    """The answers meet one of the four notifiable-incident criteria."""
    unanswered = _unanswered(ctx.data, NOTIFIABLE_QUESTIONS)
    if unanswered:
        return unanswered
    if notifiable_criteria_met(ctx.data):
        return []
    return [
        "The answers meet none of the notifiable-incident criteria (death or serious harm with "
        "abuse or neglect known or suspected, or the death of a looked-after child or of a "
        "child in a regulated setting); record it as not notifiable instead."
    ]


@REGISTRY.register("notifiable_criteria_not_met", reads=READS)
def notifiable_not_met(ctx: GuardContext) -> list[str]:
    """The answers meet none of the notifiable-incident criteria."""
    unanswered = _unanswered(ctx.data, NOTIFIABLE_QUESTIONS)
    if unanswered:
        return unanswered
    if notifiable_criteria_met(ctx.data):
        return ["The answers meet the notifiable-incident criteria, so it must be notified."]
    return []


SCR_READS = tuple(f"criteria.{q}" for q in SCR_QUESTIONS)


@REGISTRY.register("scr_criteria_answered", reads=SCR_READS)
def scr_answered(ctx: GuardContext) -> list[str]:
    """Every question of the serious-case-review criteria has a yes or no answer."""
    return _unanswered(ctx.data, SCR_QUESTIONS)


@REGISTRY.register("scr_criteria_not_met", reads=SCR_READS)
def scr_not_met(ctx: GuardContext) -> list[str]:
    """Blocks any decision other than a serious case review when the SCR criteria are met."""
    unanswered = _unanswered(ctx.data, SCR_QUESTIONS)
    if unanswered:
        return unanswered
    if scr_criteria_met(ctx.data):
        return [
            "The answers meet the serious case review criteria (Regulation 5), so a serious "
            "case review must be held; this decision is not open."
        ]
    return []
