"""What the OpenAPI document says of each kind of record's calls: who may change them, what
agency users see, and the rules each kind keeps."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.core.record_kinds import RecordKind

RESPONSES: dict[int, str] = {
    401: "Missing or unknown API token",
    403: "Your role may not do this (agency users: only their agency's contributions and actions)",
    404: "No such case or record, or not one you may see",
}
NOTES = {
    "lead_appointments": (
        " Appointing a lead ends the appointment in force. The lead must be independent: "
        "none of their organisations may be an agency involved or another name of one "
        "(compared ignoring case and spaces), now or after any later change of either; a "
        "parent or part body of one, or a similar name, needs the chair's confirmation "
        "(`POST /cases/{id}/independence-confirmations`). When the board keeps a register of "
        "agencies (`/agencies`), the organisations are chosen from it."
    ),
    "contributions": (
        " A requested contribution opens a deadline `contribution:<id>` on its due date; "
        "when it slips, the agency's users and the reviewer are told. Received or waived "
        "(with a reason) meets it; removing the contribution cancels it."
    ),
    "findings": " `themes` are names from GET /themes; `sources` are contribution ids.",
    "actions": (
        " `finding` is the finding's number. An action not done opens a deadline "
        "`action:<id>` on its due date (T8); when it slips, the owner agency's users and "
        "the chair are told. Done meets it."
    ),
}
FAMILY = (
    " Family members are recorded by relationship only, never by name, and appear in no list "
    "of cases and no export."
)


def who(kind: RecordKind) -> str:
    editors = ", ".join(sorted(kind.edit_roles))
    text = f"Changed by: {editors}."
    if kind.agency_field:
        text += (
            f" Agency users see only their own agency's {kind.noun}s and may change only "
            f"{', '.join(kind.agency_may_change)} of them."
        )
    else:
        text += " Agency users may not see these."
    return text


@dataclass(frozen=True)
class CallDoc:
    summary: str
    description: str


def describe(kind: RecordKind) -> dict[str, CallDoc]:
    """The summary and description of the list, add, change and remove calls of a kind."""
    extra = FAMILY if kind.key == "family_members" else ""
    notes = NOTES.get(kind.key, "")
    change = "A change to the case: send `expected_version`."
    return {
        "list": CallDoc(f"List a case's {kind.plural}", who(kind) + extra),
        "add": CallDoc(f"Add a {kind.noun}", f"{change} {who(kind)}{extra}{notes}"),
        "change": CallDoc(
            f"Change a {kind.noun}", f"Only the fields sent change. {change} {who(kind)}{notes}"
        ),
        "remove": CallDoc(
            f"Remove a {kind.noun}",
            "A change to the case: send `expected_version` in the query. Its deadline (if "
            f"any) is cancelled. {who(kind)}",
        ),
    }
