"""The questions the pages know how to ask of a case's data, grouped as a person thinks of them
(criteria answers, agencies, scoping, the lead reviewer…): where each answer is stored, its
label and hint, and its field kind (``workflow.core.fields``), which picks the widget and how
the answer is read and shown. A key no group knows still gets a question (``spec_for``)."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.core.fields import FieldKind, FieldSpec
from workflow.core.guards.publication import recipient_name

#: The kinds of data the pages ask (``workflow.core.fields``).
Kind = FieldKind


@dataclass(frozen=True)
class Spec:
    """One piece of data: where it is stored (``a.b`` for a key inside a table), how it is asked."""

    path: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    options_from: str = ""  # "agencies": ticked among the board's register of agencies

    @property
    def field(self) -> FieldSpec:
        """The field as the table of field kinds knows it."""
        return FieldSpec(self.path, self.kind, choices=self.choices, options_from=self.options_from)

    @property
    def top(self) -> str:
        return self.path.split(".", 1)[0]

    @property
    def name(self) -> str:
        """The form field name: letters, digits and underscores only."""
        return self.path.replace(".", "__")


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    fields: tuple[Spec, ...] = ()
    intro: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        """The top-level data keys this group writes."""
        seen: dict[str, None] = {}
        for f in self.fields:
            seen.setdefault(f.top)
        return tuple(seen)


def _label(path: str) -> str:
    """A key's words when no question names it; a recipient of advance copies by its name
    (``DfE``, not ``Dfe``)."""
    parts = path.split(".")
    if parts[0] == "advance_copies" and len(parts) == 2:
        return f"Date the final report went to {recipient_name(parts[1])}"
    words = parts[-1].replace("_", " ")
    return words[:1].upper() + words[1:]


YES_NO = Kind.YES_NO
DATE_LABELS = {
    "aware_at": "Date the local authority became aware",
    "notified_at": "Date notified",
    "panel_told_at": "Date the national panel was told",
    "panel_told_of_review_at": "Date the national panel was told the review started",
    "date_of_death": "Date of death",
    "meeting_held_at": "Date of the review meeting",
    "panel_held_at": "Date of the overview panel",
    "report_sent_at": "Date the final report was sent to the national panel",
    "published_at": "Date published",
    "decided_at": "Date of the chair's decision",
    "delay_review_date": "Date the delay is next reviewed",
    "ncmd_notified_at": "Date the National Child Mortality Database was notified",
    "jar_completed_at": "Date the joint agency response was completed",
    "analysis_submitted_at": "Date the analysis return was submitted",
    "lcspr_decided_at": "Date of the decision on a local child safeguarding practice review",
    "secretary_of_state_told_at": "Date the Secretary of State was told",
    "rapid_review_sent_at": "Date the rapid review was sent to the national panel",
    "panel_response_at": "Date of the national panel's response",
    "sos_ofsted_notified_at": "Date the Secretary of State and Ofsted were told (a looked-after "
    "child's death)",
}

KNOWN: tuple[Group, ...] = (
    Group(
        "agencies",
        "Agencies involved",
        (
            Spec(
                "agencies",
                "Agencies involved",
                Kind.LINES,
                "One agency a line, for example Northshire Police. Staff of an agency see a case "
                "only when their agency is listed here.",
            ),
        ),
    ),
    Group("dates", "Key dates"),  # filled per definition with the date keys it reads
    # Filled per definition with the questions of its [criteria.<name>] tables.
    Group(
        "criteria",
        "Criteria",
        intro="Record the answers. The board's chair makes the final decision.",
    ),
    Group(
        "decision",
        "Decision and rationale",
        (
            Spec(
                "decision_rationale",
                "Decision and rationale",
                Kind.LONG_TEXT,
                "What was decided and why, in words the family and the national panel would "
                "understand.",
            ),
        ),
    ),
    Group(
        "death",
        "About the death",
        (
            Spec(
                "age_at_death",
                "Age at death, in years",
                Kind.AMOUNT,
                "For example 0.5 for six months.",
            ),
            Spec("stillbirth", "Was it a stillbirth?", YES_NO),
            Spec("planned_termination", "Was it a planned termination of pregnancy?", YES_NO),
            Spec("expected_death", "Was the death expected?", YES_NO),
        ),
    ),
    Group(
        "scoping",
        "Scoping",
        (
            Spec(
                "scoping.scale",
                "Scale of the review",
                Kind.TEXT,
                "For example: a full review, or a proportionate review with one learning event.",
            ),
            Spec("scoping.method", "Method", Kind.LONG_TEXT, "How the review will be carried out."),
        ),
        intro="A proportionate approach: agree the scale and method before a lead is appointed.",
    ),
    Group(
        "lead_reviewer",
        "Lead reviewer",
        (
            Spec("lead_reviewer.name", "Name of the lead reviewer"),
            Spec(
                "lead_reviewer.organisations",
                "Organisations the lead reviewer belongs to or has worked for",
                Kind.LINES_OR_NONE,
                "One a line. Leave empty if none. The lead must be independent of every agency "
                "involved.",
            ),
        ),
    ),
    Group(
        "cdr_review",
        "Review meeting and overview panel",
        (
            Spec(
                "information_complete",
                "Information from every agency involved has been gathered",
                Kind.CONFIRM,
            ),
            Spec("panel_outcome", "Outcome of the overview panel", Kind.LONG_TEXT),
            Spec(
                "modifiable_factors",
                "Were modifiable factors identified?",
                Kind.CHOICE,
                choices=(
                    ("yes", "Yes"),
                    ("no", "No"),
                    ("insufficient_information", "Insufficient information"),
                ),
            ),
            Spec(
                "national_database_submitted",
                "The review has been submitted to the national child mortality database",
                Kind.CONFIRM,
            ),
        ),
    ),
    Group(
        "publication",
        "Publication",
        (
            Spec("report_sent_at", DATE_LABELS["report_sent_at"], Kind.DATE),
            Spec("board_response", "The board's response to the report", Kind.LONG_TEXT),
            Spec(
                "harm_check_confirmed",
                "The report has been checked: it names no child and publishing it would not "
                "harm a surviving child",
                Kind.CONFIRM,
            ),
            Spec("publication_url", "Web address where the report is published", Kind.URL),
            Spec(
                "published_at",
                DATE_LABELS["published_at"],
                Kind.DATE,
                "Leave empty to use the day it is published.",
            ),
            Spec(
                "delay_reason", "Why publication is delayed (parallel proceedings)", Kind.LONG_TEXT
            ),
            Spec("not_published_reasons", "Reasons for not publishing", Kind.LONG_TEXT),
        ),
    ),
)
KNOWN_BY_ID = {g.id: g for g in KNOWN}
TEXT_LABELS = {
    "panel_told_of_lead": "Who the national panel was told leads the review",
    "jar_summary": "Summary of the joint agency response",
    "death_category": "Category of death",
    "published_as": "What was published",
    "withheld_reasons": "Why the full report is withheld",
    "audit_theme": "Theme of the audit",
    "immediate_learning": "Immediate learning identified",
    "recommendation": "The rapid review's recommendation",
    "panel_response": "The national panel's response",
}
#: What a person confirms, for the keys no group asks.
CONFIRM_LABELS = {
    "abuse_or_neglect_suspected": "Abuse or neglect is known or suspected",
    "report_signed_off.local_authority": "The local authority has signed off the final report",
    "report_signed_off.police": "The chief officer of police has signed off the final report",
    "report_signed_off.health": "The integrated care board has signed off the final report",
    "facts_gathered": "The facts of the case have been gathered",
}


def spec_for(path: str, is_date: bool, is_confirm: bool = False) -> Spec:
    """The question for a key no group knows."""
    for g in KNOWN:
        for f in g.fields:
            if f.path == path:
                return f
    if is_date:
        return Spec(path, DATE_LABELS.get(path, _label(path)), Kind.DATE)
    if is_confirm:
        return Spec(path, CONFIRM_LABELS.get(path, f"{_label(path)}: confirmed"), Kind.CONFIRM)
    return Spec(path, TEXT_LABELS.get(path, _label(path)), Kind.LONG_TEXT)


__all__ = ["DATE_LABELS", "KNOWN", "KNOWN_BY_ID", "Group", "Kind", "Spec", "spec_for"]
