"""Helpers for tests that need a review's records: add, change and list them through the use
cases (``workflow.services.records``) with the case's current version, and the records each
stage of a review needs for its guards to pass."""

from __future__ import annotations

import io
from typing import Any

from sqlmodel import Session

from tests.api_client import Call
from workflow.core.roles import Actor
from workflow.services import records
from workflow.services.cases import Service
from workflow.services.publication import final_report
from workflow.store.models.cases import Case

# The national panel told that a serious case review started and who leads it.
PANEL_TOLD_OF_REVIEW = {"panel_told_of_review_at": "2026-11-30", "panel_told_of_lead": "Lena Lead"}
LEAD = {"name": "Lena Lead", "organisations": ["Independent Reviews Ltd"]}


def version(service: Service, case_id: int) -> int:
    with Session(service.db) as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.version


def add(
    service: Service, actor: Actor, case_id: int, kind: str, /, **fields: Any
) -> dict[str, Any]:
    """The record added, as the API answers it (dates as ISO text)."""
    command = records.AddRecord.of(case_id, kind, fields, version(service, case_id))
    return records.add_record(service, actor, command).model_dump(mode="json")


def change(
    service: Service, actor: Actor, case_id: int, kind: str, record_id: int, /, **fields: Any
) -> dict[str, Any]:
    command = records.ChangeRecord.of(case_id, kind, record_id, fields, version(service, case_id))
    return records.change_record(service, actor, command).model_dump(mode="json")


def remove(service: Service, actor: Actor, case_id: int, kind: str, record_id: int) -> Any:
    command = records.RemoveRecord.of(case_id, kind, record_id, version(service, case_id))
    return records.remove_record(service, actor, command).model_dump(mode="json")


def listed(service: Service, actor: Actor, case_id: int, kind: str) -> list[dict[str, Any]]:
    """The records the actor sees, as the API answers them (dates as ISO text)."""
    return list(
        records.list_records(service, actor, case_id, kind).model_dump(mode="json")["items"]
    )


# -- what each stage needs ------------------------------------------------------------------------


def appoint(service: Service, actor: Actor, case_id: int, **lead: Any) -> dict[str, Any]:
    return add(service, actor, case_id, "lead_appointments", **(LEAD | lead))


def involve(
    service: Service,
    actor: Actor,
    case_id: int,
    agencies: tuple[str, ...] = ("Police", "Children's Social Care"),
    request_from: str | None = "Police",
) -> None:
    """Practitioners of each agency invited, the family invited and told how (and a chronology
    requested, still to come, when ``request_from`` names an agency)."""
    for agency in agencies:
        add(
            service,
            actor,
            case_id,
            "practitioners",
            agency=agency,
            role_title="Team manager",
            invited_on="2026-11-02",
        )
    add(
        service,
        actor,
        case_id,
        "family_members",
        relationship="mother",
        invited_on="2026-11-03",
        how_explained="Letter from the chair, then a home visit",
    )
    add(
        service,
        actor,
        case_id,
        "family_members",
        relationship="sibling (aged 9)",
        not_involved_reason="Too young; views gathered through the school nurse",
    )
    if request_from:
        add(
            service,
            actor,
            case_id,
            "contributions",
            agency=request_from,
            kind="chronology",
            requested_on="2026-11-02",
            due_date="2026-11-27",
        )


def settle_and_find(service: Service, actor: Actor, case_id: int) -> None:
    """Every contribution received, and two findings: a problem and good practice."""
    for c in listed(service, actor, case_id, "contributions"):
        if c["status"] == "requested":
            change(
                service,
                actor,
                case_id,
                "contributions",
                c["id"],
                status="received",
                received_on="2026-11-26",
            )
    add(
        service,
        actor,
        case_id,
        "findings",
        what_happened="Referral not passed on",
        why="No shared record",
        kind="problem",
    )
    add(
        service,
        actor,
        case_id,
        "findings",
        what_happened="GP escalated promptly",
        why="Clear pathway",
        kind="good_practice",
    )


def plan(service: Service, actor: Actor, case_id: int) -> dict[str, Any]:
    """An action for finding 1 (the problem)."""
    return add(
        service,
        actor,
        case_id,
        "actions",
        finding=1,
        description="Shared record",
        owner_agency="Police",
        due_date="2027-03-31",
        success_measure="Referrals reach every partner within a day",
    )


def complete(service: Service, actor: Actor, case_id: int) -> None:
    """Every action done with evidence of completion and of impact."""
    for a in listed(service, actor, case_id, "actions"):
        change(
            service,
            actor,
            case_id,
            "actions",
            a["id"],
            status="done",
            completion_evidence="Audit",
            impact_evidence="Re-audit shows referrals shared",
        )


__all__ = [
    "LEAD",
    "add",
    "appoint",
    "change",
    "complete",
    "involve",
    "listed",
    "plan",
    "remove",
    "settle_and_find",
    "version",
]


#: A final report as an upload would send it (a PDF).
REPORT_PDF = b"%PDF-1.7\n% the final report of the review\n"


def upload_final_report(
    service: Service, actor: Actor, case_id: int, content: bytes = REPORT_PDF
) -> Any:
    """The final report uploaded by ``actor`` (reviewer, chair or lead) at the current version."""
    command = final_report.UploadFinalReport(
        case_id=case_id,
        filename="final-report.pdf",
        declared_type="application/pdf",
        content=content,
        expected_version=version(service, case_id),
    )
    return final_report.upload(service, actor, command)


def sign_off_final_report(service: Service, chair: Actor, case_id: int) -> Any:
    command = final_report.SignOffFinalReport(
        expected_version=version(service, case_id), minute="Board meeting, item 6"
    )
    return final_report.sign_off(service, chair, case_id, command)


def final_report_signed_off(service: Service, actors: dict[str, Actor], case_id: int) -> None:
    """What a serious case review's publish (or not) needs: the report kept, the chair's
    sign-off for the board."""
    upload_final_report(service, actors["reviewer"], case_id)
    sign_off_final_report(service, actors["chair"], case_id)


def api_upload(
    call: Call,
    who: str,
    case_id: int,
    version: int,
    content: bytes = REPORT_PDF,
    name: str = "final-report.pdf",
    ctype: str = "application/pdf",
) -> Any:
    form = {"file": (io.BytesIO(content), name, ctype), "expected_version": str(version)}
    return call(
        who,
        "post",
        f"/cases/{case_id}/publication/final-report",
        data=form,
        content_type="multipart/form-data",
    )


def api_final_report_signed_off(call: Call, case_id: int) -> int:
    """Upload (the reviewer) and sign off (the chair) through the API; the case's new version."""
    version = call("reviewer", "get", f"/cases/{case_id}").json["version"]
    r = api_upload(call, "reviewer", case_id, version)
    assert r.status_code == 201, r.json
    r = call(
        "chair",
        "post",
        f"/cases/{case_id}/publication/final-report/sign-off",
        json={"expected_version": r.json["case_version"]},
    )
    assert r.status_code == 200, r.json
    return int(r.json["case_version"])
