"""Guards for the principles of a review: proportionality, independence, involvement,
findings that say what and why, and actions that make a lasting difference.

Until the review records get tables of their own, these read structured values in ``data``
(the README lists each key).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.guards.registry import REGISTRY, GuardContext
from workflow.values import BadValue, as_date, as_list, is_blank

FINDING_KINDS = ("good_practice", "problem")


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _folded(names: Any) -> dict[str, str]:
    """Organisation names compared without case or surrounding spaces."""
    return {str(n).strip().casefold(): str(n).strip() for n in as_list(names) if str(n).strip()}


def independence_problems(data: Mapping[str, Any]) -> list[str]:
    lead = _table(data, "lead_reviewer")
    unmet = []
    if is_blank(lead.get("name")):
        unmet.append("Record the lead reviewer's name (data.lead_reviewer.name).")
    if not isinstance(lead.get("organisations"), list):
        unmet.append(
            "Record the lead reviewer's organisations (data.lead_reviewer.organisations), "
            "an empty list if none, so independence can be checked."
        )
        return unmet
    overlap = sorted(
        original
        for folded, original in _folded(lead["organisations"]).items()
        if folded in _folded(data.get("agencies"))
    )
    if overlap:
        unmet.append(
            "The lead reviewer is not independent of the case: they belong to "
            + ", ".join(overlap)
            + ", whose actions are under review; appoint someone from outside those agencies."
        )
    return unmet


@REGISTRY.register("agencies_recorded", reads=("agencies",))
def agencies_recorded(ctx: GuardContext) -> list[str]:
    """The agencies involved are recorded (data.agencies, a non-empty list of names)."""
    agencies = ctx.data.get("agencies")
    if isinstance(agencies, list) and agencies and all(isinstance(a, str) for a in agencies):
        return []
    return ["Record the agencies involved in the case (data.agencies, a list of names)."]


@REGISTRY.register("scoping_recorded", reads=("scoping.scale", "scoping.method"))
def scoping_recorded(ctx: GuardContext) -> list[str]:
    """Proportionate approach: the scale and method of the review are recorded."""
    scoping = _table(ctx.data, "scoping")
    return [
        f"Record the {what} of the review in scoping (data.scoping.{key})."
        for key, what in (("scale", "scale"), ("method", "method"))
        if is_blank(scoping.get(key))
    ]


@REGISTRY.register(
    "lead_reviewer_independent",
    reads=("lead_reviewer.name", "lead_reviewer.organisations", "agencies"),
)
def lead_reviewer_independent(ctx: GuardContext) -> list[str]:
    """The lead reviewer belongs to none of the agencies involved (compared ignoring case)."""
    return independence_problems(ctx.data)


@REGISTRY.register(
    "involvement_recorded",
    reads=(
        "involvement.practitioners_invited",
        "involvement.family_invited",
        "involvement.family_how",
        "involvement.family_not_involved_reason",
    ),
)
def involvement_recorded(ctx: GuardContext) -> list[str]:
    """Practitioners are invited, and the family is invited and told how, or the reason they are
    not is recorded."""
    inv = _table(ctx.data, "involvement")
    unmet = []
    if inv.get("practitioners_invited") is not True:
        unmet.append(
            "Invite the practitioners of the agencies involved to contribute and record it "
            "(data.involvement.practitioners_invited = true)."
        )
    reason = inv.get("family_not_involved_reason")
    if inv.get("family_invited") is True:
        if is_blank(inv.get("family_how")):
            unmet.append(
                "Record how the family was told about the review and how to take part "
                "(data.involvement.family_how)."
            )
    elif is_blank(reason):
        unmet.append(
            "Invite the family, including surviving children (data.involvement.family_invited = "
            "true and data.involvement.family_how), or record why they are not involved "
            "(data.involvement.family_not_involved_reason)."
        )
    return unmet


def _findings(data: Mapping[str, Any]) -> list[Any]:
    return as_list(data.get("findings"))


@REGISTRY.register(
    "findings_recorded",
    reads=("findings[].what_happened", "findings[].why", "findings[].kind"),
)
def findings_recorded(ctx: GuardContext) -> list[str]:
    """At least one finding; each says what happened, why, and whether it is good practice or a
    problem."""
    findings = _findings(ctx.data)
    if not findings:
        return ["Record at least one finding (data.findings) saying what happened and why."]
    unmet = []
    for i, f in enumerate(findings, start=1):
        f = f if isinstance(f, Mapping) else {}
        for key, what in (("what_happened", "what happened"), ("why", "why it happened")):
            if is_blank(f.get(key)):
                unmet.append(f"Finding {i}: record {what} (data.findings[{i - 1}].{key}).")
        if f.get("kind") not in FINDING_KINDS:
            unmet.append(
                f"Finding {i}: say whether it shows good practice or a problem "
                f"(data.findings[{i - 1}].kind = 'good_practice' or 'problem')."
            )
    return unmet


def _actions(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [a for a in as_list(data.get("actions")) if isinstance(a, Mapping)]


@REGISTRY.register(
    "problem_findings_have_actions",
    reads=("findings[].kind", "actions[].finding", "actions[].owner_agency", "actions[].due_date"),
)
def problem_findings_have_actions(ctx: GuardContext) -> list[str]:
    """Every problem finding has at least one action with an owner agency and a due date.
    ``actions[].finding`` is the finding's number, counting from 1."""
    actions = _actions(ctx.data)
    unmet = []
    for i, a in enumerate(actions, start=1):
        for key, what in (("owner_agency", "an owner agency"), ("due_date", "a due date")):
            if is_blank(a.get(key)):
                unmet.append(f"Action {i}: record {what} (data.actions[{i - 1}].{key}).")
        try:
            as_date(a.get("due_date"), f"actions[{i - 1}].due_date")
        except BadValue as exc:
            unmet.append(f"Action {i}: {exc}.")
    answered = {a.get("finding") for a in actions if not is_blank(a.get("owner_agency"))}
    for i, f in enumerate(_findings(ctx.data), start=1):
        if isinstance(f, Mapping) and f.get("kind") == "problem" and i not in answered:
            unmet.append(
                f"Finding {i} is a problem and has no action: add an action with finding = {i}, "
                "an owner agency and a due date (data.actions)."
            )
    return unmet


@REGISTRY.register(
    "actions_complete",
    reads=("actions[].status", "actions[].completion_evidence", "actions[].impact_evidence"),
)
def actions_complete(ctx: GuardContext) -> list[str]:
    """Sustained improvement: every action is done with evidence of completion and of impact."""
    unmet = []
    for i, a in enumerate(_actions(ctx.data), start=1):
        if a.get("status") != "done":
            unmet.append(f"Action {i} is still open (data.actions[{i - 1}].status is not 'done').")
        for key, what in (("completion_evidence", "completion"), ("impact_evidence", "impact")):
            if is_blank(a.get(key)):
                unmet.append(
                    f"Action {i}: record evidence of {what} (data.actions[{i - 1}].{key})."
                )
    return unmet


@REGISTRY.register("death_in_scope", reads=("age_at_death", "stillbirth", "planned_termination"))
def death_in_scope(ctx: GuardContext) -> list[str]:
    """A child death review covers a child under 18, not a stillbirth or a planned termination."""
    unmet = []
    age = ctx.data.get("age_at_death")
    if not isinstance(age, int | float) or isinstance(age, bool) or age < 0:
        unmet.append("Record the child's age at death in years (data.age_at_death).")
    elif age >= 18:
        unmet.append("A child death review covers children under 18; data.age_at_death is 18+.")
    for key, what in (
        ("stillbirth", "a stillbirth"),
        ("planned_termination", "a planned termination"),
    ):
        if ctx.data.get(key) is True:
            unmet.append(f"A child death review does not cover {what} (data.{key}).")
        elif ctx.data.get(key) is not False:
            unmet.append(f"Answer whether the death was {what} (data.{key} = true or false).")
    return unmet
