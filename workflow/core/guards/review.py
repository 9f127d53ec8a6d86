"""Guards for the principles of a review: proportionality, independence, involvement,
findings that say what and why, and actions that make a lasting difference.

The agencies involved and the scoping are values in ``data``; the people, contributions,
findings and actions are the review's records (``ctx.records``, loaded by the store). Each
refusal names the exact record that is missing or incomplete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workflow.core.agencies import (
    CONFIRMATIONS,
    DEFAULT_SIMILARITY,
    REGISTER,
    Register,
    confirmed_pairs,
    explain,
    fold,
)
from workflow.core.guards.registry import REGISTRY, GuardContext, Param
from workflow.core.values import as_list, is_blank

FINDING_KINDS = ("good_practice", "problem")
CONTRIBUTION_WORDS = {"chronology": "chronology", "agency_report": "agency report"}

_LEAD = (
    "records.lead_appointments[].name",
    "records.lead_appointments[].organisations",
    "records.lead_appointments[].ended_on",
    "agencies",
)


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _folded(names: Any) -> dict[str, str]:
    """Organisation names compared without case or surrounding spaces."""
    items = list(names) if isinstance(names, tuple) else as_list(names)
    return {str(n).strip().casefold(): str(n).strip() for n in items if str(n).strip()}


def current_leads(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The lead appointments in force: those not ended."""
    return [a for a in records if a.get("ended_on") in (None, "")]


def independence_problems(
    appointments: Sequence[Mapping[str, Any]],
    agencies: Any,
    *,
    required: bool,
    records: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    similarity: int = DEFAULT_SIMILARITY,
) -> list[str]:
    """Sentences for each lead in force who belongs to an agency involved, or to a body the
    board's register links to one (an alias, a parent or part body), or to one with a similar
    name that the chair has not confirmed as independent (and, when ``required``, for there
    being no lead in force at all)."""
    leads = current_leads(appointments)
    if not leads:
        return (
            [
                "No lead reviewer is appointed: record the lead reviewer's appointment (name, "
                "organisations and the date appointed)."
            ]
            if required
            else []
        )
    found = records or {}
    register = Register.of(found.get(REGISTER, ()))
    confirmed = confirmed_pairs(found.get(CONFIRMATIONS, ()))
    involved = list(_folded(agencies).values())
    unmet = []
    for lead in leads:
        overlap, near = _overlaps(lead, involved, register, confirmed, similarity)
        who = f"The lead reviewer {lead.get('name')} (appointed on {lead.get('appointed_on')})"
        if overlap:
            unmet.append(
                f"{who} is not independent of the case: they belong to {', '.join(overlap)}, "
                "whose actions are under review; appoint someone from outside those agencies."
            )
        if near:
            unmet.append(
                f"{who} may not be independent of the case: they belong to {', '.join(near)}; "
                "the chair must confirm they are independent of it (an independence "
                "confirmation, with reasons), or appoint someone else."
            )
    return unmet


def _overlaps(
    lead: Mapping[str, Any],
    involved: Sequence[str],
    register: Register,
    confirmed: frozenset[tuple[str, str]],
    similarity: int,
) -> tuple[list[str], list[str]]:
    """The lead's organisations that are an agency involved, and those only near one (not
    confirmed), each in words."""
    overlap: list[str] = []
    near: list[str] = []
    for organisation in _folded(lead.get("organisations")).values():
        for agency in involved:
            relation = register.relation(organisation, agency, similarity)
            if relation is None or (
                relation.near and (fold(organisation), fold(agency)) in confirmed
            ):
                continue
            (near if relation.near else overlap).append(explain(organisation, agency, relation))
    return sorted(dict.fromkeys(overlap)), sorted(dict.fromkeys(near))


_SIMILARITY = (
    Param(
        "similarity",
        "number",
        required=False,
        doc=f"0-100: names this similar are a near match (default {DEFAULT_SIMILARITY})",
    ),
)


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


@REGISTRY.register("lead_reviewer_independent", params=_SIMILARITY, reads=_LEAD)
def lead_reviewer_independent(ctx: GuardContext, similarity: int = DEFAULT_SIMILARITY) -> list[str]:
    """A lead reviewer is appointed, and belongs to none of the agencies involved (names
    compared ignoring case and spaces), nor to a body the board's register links to one (an
    alias, a parent or part body); a similar name, or a linked body, needs the chair's
    recorded confirmation of independence."""
    return independence_problems(
        ctx.records_of("lead_appointments"),
        ctx.data.get("agencies"),
        required=True,
        records=ctx.records,
        similarity=similarity,
    )


@REGISTRY.register("independence_kept", params=_SIMILARITY, reads=_LEAD)
def independence_kept(ctx: GuardContext, similarity: int = DEFAULT_SIMILARITY) -> list[str]:
    """A data rule: once a lead reviewer is appointed, no change of the agencies involved or of
    the lead's organisations may leave them belonging to (or near, unconfirmed) an agency
    involved."""
    return independence_problems(
        ctx.records_of("lead_appointments"),
        ctx.data.get("agencies"),
        required=False,
        records=ctx.records,
        similarity=similarity,
    )


def _invited(record: Mapping[str, Any]) -> bool:
    return not is_blank(record.get("invited_on"))


@REGISTRY.register(
    "involvement_recorded",
    reads=(
        "records.practitioners[].agency",
        "records.practitioners[].invited_on",
        "records.family_members[].relationship",
        "records.family_members[].invited_on",
        "records.family_members[].how_explained",
        "records.family_members[].not_involved_reason",
        "agencies",
    ),
)
def involvement_recorded(ctx: GuardContext) -> list[str]:
    """Practitioners of every agency involved are invited; every family member recorded
    (at least one) is invited and told how, or the reason they are not involved is recorded."""
    unmet = []
    practitioners = ctx.records_of("practitioners")
    invited = {str(p.get("agency", "")).strip().casefold() for p in practitioners if _invited(p)}
    agencies = _folded(ctx.data.get("agencies"))
    if not practitioners and not agencies:
        unmet.append(
            "Invite the practitioners of the agencies involved: record each practitioner "
            "invited (agency, role and the date invited)."
        )
    for folded, agency in agencies.items():
        if folded not in invited:
            unmet.append(
                f"Invite the practitioners of {agency}: no practitioner of theirs is recorded as "
                "invited (agency, role and the date invited)."
            )
    for p in practitioners:
        if not _invited(p):
            unmet.append(
                f"Practitioner {p.get('number')} ({p.get('role_title')}, {p.get('agency')}) has "
                "no date invited: record when they were invited."
            )
    family = ctx.records_of("family_members")
    if not family:
        unmet.append(
            "Invite the family, including surviving children: record each family member (by "
            "relationship, never by name) with the date invited and how the review was "
            "explained, or the reason they are not involved."
        )
    for f in family:
        who = f"Family member {f.get('number')} ({f.get('relationship')})"
        if _invited(f):
            if is_blank(f.get("how_explained")):
                unmet.append(
                    f"{who} was invited on {f.get('invited_on')}, but how the review was "
                    "explained to them is not recorded."
                )
        elif is_blank(f.get("not_involved_reason")):
            unmet.append(
                f"{who} is neither invited nor recorded with a reason for not being involved."
            )
    return unmet


def contribution_words(c: Mapping[str, Any]) -> str:
    """``the chronology requested from Northshire Police on 2026-11-02``."""
    what = CONTRIBUTION_WORDS.get(str(c.get("kind")), "contribution")
    return f"the {what} requested from {c.get('agency')} on {c.get('requested_on')}"


@REGISTRY.register(
    "contributions_settled",
    reads=(
        "records.contributions[].agency",
        "records.contributions[].kind",
        "records.contributions[].requested_on",
        "records.contributions[].status",
        "records.contributions[].waived_reason",
    ),
)
def contributions_settled(ctx: GuardContext) -> list[str]:
    """Every contribution requested from an agency is received, or waived with a reason."""
    unmet = []
    for c in ctx.records_of("contributions"):
        words = contribution_words(c)
        status = c.get("status")
        if status == "waived":
            if is_blank(c.get("waived_reason")):
                unmet.append(
                    f"{words[0].upper()}{words[1:]} is waived without a reason: record why."
                )
        elif status != "received":
            unmet.append(f"{words[0].upper()}{words[1:]} is neither received nor waived.")
    return unmet


@REGISTRY.register(
    "findings_recorded",
    reads=(
        "records.findings[].number",
        "records.findings[].what_happened",
        "records.findings[].why",
        "records.findings[].kind",
    ),
)
def findings_recorded(ctx: GuardContext) -> list[str]:
    """At least one finding; each says what happened, why, and whether it is good practice or a
    problem."""
    findings = ctx.records_of("findings")
    if not findings:
        return ["Record at least one finding, saying what happened and why."]
    unmet = []
    for f in findings:
        n = f.get("number")
        for key, what in (("what_happened", "what happened"), ("why", "why it happened")):
            if is_blank(f.get(key)):
                unmet.append(f"Finding {n}: record {what}.")
        if f.get("kind") not in FINDING_KINDS:
            unmet.append(f"Finding {n}: say whether it shows good practice or a problem.")
    return unmet


def action_words(a: Mapping[str, Any]) -> str:
    """``Action 2 (finding 1, Northshire Police, due 2027-03-31)``."""
    return (
        f"Action {a.get('number')} (finding {a.get('finding')}, {a.get('owner_agency')}, "
        f"due {a.get('due_date')})"
    )


@REGISTRY.register(
    "problem_findings_have_actions",
    reads=(
        "records.findings[].number",
        "records.findings[].kind",
        "records.actions[].finding",
        "records.actions[].owner_agency",
        "records.actions[].due_date",
    ),
)
def problem_findings_have_actions(ctx: GuardContext) -> list[str]:
    """Every problem finding has at least one action with an owner agency and a due date."""
    answered = {
        a.get("finding")
        for a in ctx.records_of("actions")
        if not is_blank(a.get("owner_agency")) and not is_blank(a.get("due_date"))
    }
    return [
        f"Finding {f.get('number')} (problem) has no action with an owner agency and a due "
        "date: add one."
        for f in ctx.records_of("findings")
        if f.get("kind") == "problem" and f.get("number") not in answered
    ]


@REGISTRY.register(
    "actions_complete",
    reads=(
        "records.actions[].status",
        "records.actions[].completion_evidence",
        "records.actions[].impact_evidence",
    ),
)
def actions_complete(ctx: GuardContext) -> list[str]:
    """Sustained improvement: every action is done with evidence of completion and of impact."""
    unmet = []
    for a in ctx.records_of("actions"):
        words = action_words(a)
        if a.get("status") != "done":
            unmet.append(f"{words} is still open: record it done.")
        for key, what in (("completion_evidence", "completion"), ("impact_evidence", "impact")):
            if is_blank(a.get(key)):
                unmet.append(f"{words} has no evidence of {what}: record it.")
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
