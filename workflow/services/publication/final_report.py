"""The review's final report as a document, and the chair's sign-off of it for the board.

A review type whose steps use the ``final_report_signed_off`` guard (the serious case review's
``publish`` and ``decide_not_to_publish``) keeps its final report as a document: the reviewer,
the chair or the lead reviewer uploads it (checked as every document is: size, type, content;
kept with its SHA-256), and the chair signs that very version off for the board. Uploading a
new version withdraws the sign-off: the board signed off what it read, not what came after.

Both are changes to the case through the case use case (version checked, audited, the data
rules kept): the document row and ``data.final_report`` (document, SHA-256, who uploaded it and
when) are written in one transaction; the sign-off writes ``data.final_report_signed_off``
(who, when, the SHA-256 signed off, where the board agreed it). No data form or PATCH may write
either key (``workflow.services.cases.lead.OWN_CALLS``). The audit trail names the document and
its hash, never its file name, which may name a child.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import Field

from workflow.core.definition import Definition
from workflow.core.errors import InvalidInput, NotFound
from workflow.core.guards.publication import FINAL_REPORT, FINAL_REPORT_SIGNED_OFF
from workflow.core.roles import Actor, Role
from workflow.services import access
from workflow.services.cases.commands import ChangeData
from workflow.services.documents import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    DOWNLOAD_ROLES,
    check_file,
    new_document,
)
from workflow.services.results import Command, Instant, Result
from workflow.store.models.cases import Case
from workflow.store.records import DocumentInfo
from workflow.store.unit import Unit

if TYPE_CHECKING:
    from workflow.services.cases import CaseView, Service

#: The guard that asks for the signed-off report; a type whose steps use it has a final report.
GUARD = "final_report_signed_off"
#: Who uploads the final report (the business support, the chair, the independent lead).
UPLOAD_ROLES = {Role.REVIEWER.value, Role.CHAIR.value, Role.LEAD_REVIEWER.value}
#: Only the chair signs it off, for the board.
SIGN_OFF_ROLES = {Role.CHAIR.value}
PURPOSE = "final_report"


class UploadFinalReport(Command):
    """The final report, as it arrived."""

    case_id: int
    filename: str
    declared_type: str
    content: bytes
    expected_version: int
    max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES


class SignOffFinalReport(Command):
    """The chair signs off the final report now uploaded, for the board."""

    expected_version: int = Field(description="The case version you read (409 when stale).")
    minute: str = Field(
        "",
        max_length=500,
        description="Where the board agreed it, e.g. 'Board meeting of 14 January 2027, item 6'.",
    )


class SignOff(Result):
    by: str
    on: date
    sha256: str
    minute: str = ""


class FinalReport(Result):
    """The case's final report: the document now uploaded and whether the board signed it off."""

    case_id: int
    case_version: int
    document: int | None = Field(description="Download at GET /cases/{id}/documents/{document}.")
    filename: str | None
    size_bytes: int | None
    sha256: str | None
    uploaded_by: str | None
    uploaded_at: Instant | None
    signed_off: SignOff | None = Field(description="The sign-off of this very version, if any.")
    replaced_after_sign_off: bool = Field(
        description="A sign-off stands for an earlier version: the chair signs this one off."
    )
    may_upload: bool
    may_sign_off: bool


def has_final_report(d: Definition) -> bool:
    """Whether the review type keeps a final report signed off before publication."""
    return any(g.name == GUARD for t in d.transitions for g in t.guards)


def still_ahead(d: Definition, state: str) -> bool:
    """Whether a step that asks for the signed-off report can still be taken from ``state``
    (once it is published, or the review has gone another way, the report no longer changes)."""
    seen, todo = {state}, deque([state])
    while todo:
        for t in d.transitions_from(todo.popleft()):
            if any(g.name == GUARD for g in t.guards):
                return True
            if t.dest not in seen:
                seen.add(t.dest)
                todo.append(t.dest)
    return False


def _open_to_change(d: Definition, case: Case) -> None:
    if not has_final_report(d):
        raise InvalidInput(
            f"A {d.name.lower()} keeps no final report to sign off; its report is recorded in "
            "its data and records."
        )
    if not still_ahead(d, case.state):
        raise InvalidInput(
            f"The final report can no longer change: the case is at {d.label_of(case.state)}, "
            "past the steps that ask for it."
        )


def upload(service: Service, actor: Actor, command: UploadFinalReport) -> FinalReport:
    """Keep the final report as a document; any sign-off of an earlier version no longer
    stands."""
    access.require_role(actor, UPLOAD_ROLES, "upload the final report")
    content = command.content
    name, kind = check_file(command.filename, command.declared_type, content, command.max_bytes)

    def prepare(u: Unit, case: Case, d: Definition, now: datetime) -> Mapping[str, Any]:
        _open_to_change(d, case)
        document = new_document(
            case.id or 0, name, kind, content, actor, now, purpose=PURPOSE, agency=""
        )
        u.documents.save(document)
        report = {
            "document": document.id,
            "sha256": document.sha256,
            "size_bytes": document.size_bytes,
            "uploaded_by": actor.name,
            "uploaded_on": service.calendar.local_date(now).isoformat(),
        }
        signed = (case.data or {}).get(FINAL_REPORT_SIGNED_OFF)
        return {FINAL_REPORT: report, **({FINAL_REPORT_SIGNED_OFF: None} if signed else {})}

    change = ChangeData(
        data={},
        expected_version=command.expected_version,
        note="Final report uploaded; a sign-off of an earlier version no longer stands.",
    )
    view = service.change_data(actor, command.case_id, change, prepare)
    return shown(service, actor, view)


def sign_off(
    service: Service, actor: Actor, case_id: int, command: SignOffFinalReport
) -> FinalReport:
    """The chair signs off, for the board, the final report now uploaded."""
    access.require_role(actor, SIGN_OFF_ROLES, "sign off the final report for the board")

    def prepare(u: Unit, case: Case, d: Definition, now: datetime) -> Mapping[str, Any]:
        _open_to_change(d, case)
        data = case.data or {}
        report = data.get(FINAL_REPORT)
        if not isinstance(report, Mapping):
            raise InvalidInput(
                "There is no final report to sign off yet: upload it first.",
                ["data.final_report: not uploaded"],
            )
        signed = data.get(FINAL_REPORT_SIGNED_OFF)
        if isinstance(signed, Mapping) and signed.get("sha256") == report.get("sha256"):
            raise InvalidInput(
                f"This final report is already signed off (by {signed.get('by')} on "
                f"{signed.get('on')}); upload a new version to sign off a change."
            )
        return {
            FINAL_REPORT_SIGNED_OFF: {
                "by": actor.name,
                "on": service.calendar.local_date(now).isoformat(),
                "sha256": report.get("sha256"),
                "document": report.get("document"),
                "minute": command.minute.strip(),
            }
        }

    change = ChangeData(
        data={},
        expected_version=command.expected_version,
        note="The chair signed off the final report for the board.",
    )
    return shown(service, actor, service.change_data(actor, case_id, change, prepare))


def report_of(service: Service, actor: Actor, case_id: int) -> FinalReport:
    """The case's final report now, for those who may have its documents (agencies never see
    the report, nor its details)."""
    if actor.role not in DOWNLOAD_ROLES:
        raise NotFound(f"There is no final report of case {case_id} that you may see.")
    return shown(service, actor, service.get_case(actor, case_id))


def shown(service: Service, actor: Actor, view: CaseView) -> FinalReport:
    d = service.definition(view.review_type, view.definition_version)
    if not has_final_report(d):
        raise NotFound(f"A {d.name.lower()} keeps no final report to sign off.")
    info = _document(service, view.data.get(FINAL_REPORT))
    signed = view.data.get(FINAL_REPORT_SIGNED_OFF)
    signed = signed if isinstance(signed, Mapping) else None
    current = signed is not None and info is not None and signed.get("sha256") == info.sha256
    ahead = still_ahead(d, view.state)
    details = {k: getattr(info, k) for k in DETAILS} if info else dict.fromkeys(DETAILS)
    return FinalReport(
        case_id=view.id,
        case_version=view.version,
        document=info.id if info else None,
        **details,
        signed_off=_sign_off(signed) if current and signed else None,
        replaced_after_sign_off=signed is not None and not current,
        may_upload=ahead and actor.role in UPLOAD_ROLES,
        may_sign_off=ahead and actor.role in SIGN_OFF_ROLES and info is not None and not current,
    )


#: The document's details the answer shows.
DETAILS = ("filename", "size_bytes", "sha256", "uploaded_by", "uploaded_at")


def _document(service: Service, report: Any) -> DocumentInfo | None:
    document = report.get("document") if isinstance(report, Mapping) else None
    if not isinstance(document, int):
        return None
    with service.store.read() as u:
        return u.documents.details(document)


def _sign_off(signed: Mapping[str, Any]) -> SignOff:
    return SignOff.model_validate(
        {k: signed.get(k) or "" for k in ("by", "on", "sha256", "minute")}
    )


__all__ = [
    "SIGN_OFF_ROLES",
    "UPLOAD_ROLES",
    "FinalReport",
    "SignOff",
    "SignOffFinalReport",
    "UploadFinalReport",
    "has_final_report",
    "report_of",
    "sign_off",
    "still_ahead",
    "upload",
]
