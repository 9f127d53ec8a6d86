"""The lead reviewer named in a case's data (``data.lead_reviewer`` = ``{"name",
"organisations"}``, the contract's form), as the case use cases meet it: taken out of the data
sent (and what is now a record of its own refused), written as a lead appointment by the
records' use cases (``workflow.services.records.leads``), and shown back from the appointment in
force. The case's ``lead_name`` (which cases a lead reviewer may see) follows that appointment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workflow.core.errors import InvalidInput
from workflow.core.guards.publication import FINAL_REPORT, FINAL_REPORT_SIGNED_OFF
from workflow.services import records
from workflow.store.models.cases import Case
from workflow.store.models.records import LeadAppointment
from workflow.store.unit import Unit

#: The key of ``data`` that names the lead reviewer.
LEAD_KEY = "lead_reviewer"
#: What used to be kept in data and is now a record of its own (one source of truth).
RECORD_DATA_KEYS = {
    "involvement": "practitioners and family-members",
    "findings": "findings",
    "actions": "actions",
}
#: Data only its own use case writes, with where (the final report and the board's sign-off).
OWN_CALLS = {
    FINAL_REPORT: "POST /api/v1/cases/<id>/publication/final-report (a document)",
    FINAL_REPORT_SIGNED_OFF: "POST /api/v1/cases/<id>/publication/final-report/sign-off (chair)",
}


@dataclass(frozen=True)
class DataPatch:
    """Values for a case's data, with ``data.lead_reviewer`` taken out: ``names_lead`` says
    whether it was sent and ``lead`` is what was sent (None: end the appointment in force)."""

    values: dict[str, Any] = field(default_factory=dict)
    names_lead: bool = False
    lead: Any = None


def split(patch: Mapping[str, Any] | None) -> DataPatch:
    """The patch without ``lead_reviewer``. A key that is now a record of its own is refused
    with where to record it."""
    rest = dict(patch or {})
    wrong = [
        f"data.{key} is no longer kept in the case's data: record it at "
        f"/api/v1/cases/<id>/{where.split(' and ')[0]} (and the case page's records)."
        for key, where in RECORD_DATA_KEYS.items()
        if rest.get(key) is not None
    ]
    if wrong:
        raise InvalidInput("The change was not saved: these are records now.", wrong)
    own = [f"data.{key}: {where}" for key, where in OWN_CALLS.items() if key in rest]
    if own:
        raise InvalidInput(
            "The change was not saved: the final report is uploaded as a document and signed "
            "off by the chair on its own page (or call), not written as data.",
            own,
        )
    if LEAD_KEY not in rest:
        return DataPatch(rest)
    return DataPatch(rest, True, rest.pop(LEAD_KEY))


def follow(u: Unit, case: Case) -> None:
    """The case's lead (for access) follows the appointment in force. Called just before the
    case is written: a query after it would write the case too early."""
    records.sync_lead(case, records.plain_records(u, case.id or 0)["lead_appointments"])


def shown_row(in_force: Sequence[LeadAppointment]) -> dict[str, Any] | None:
    """The lead in force (the last of those not ended), as ``data.lead_reviewer``."""
    if not in_force:
        return None
    return {"name": in_force[-1].name, "organisations": list(in_force[-1].organisations)}


__all__ = ["LEAD_KEY", "OWN_CALLS", "RECORD_DATA_KEYS", "DataPatch", "follow", "shown_row", "split"]
