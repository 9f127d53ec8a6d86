"""Issue 12: a serious case review's final report is a document, signed off by the chair for
the board before it is published (or the board decides not to): through the use cases and the
JSON API — who may upload and sign off, a new version withdrawing the sign-off, neither written
as data, the audit trail, agencies kept out, and what no longer changes after publication."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests import records_support as rs
from tests.api_client import Call, assert_error
from tests.conftest import Clock
from tests.records_support import api_upload
from tests.test_publication import (
    URL,
    confirm_harm_check,
    publish,
    put_in_publication,
    ready_to_publish,
    respond,
    send_copies,
)
from workflow.core.errors import InvalidInput, PermissionDenied, TransitionBlocked
from workflow.core.roles import Actor
from workflow.services import documents
from workflow.services.cases import Service
from workflow.services.publication import final_report

PDF = rs.REPORT_PDF
PDF_2 = b"%PDF-1.7\n% version two, after the board's comments\n"


def _reasons(service: Service, chair: Actor, case_id: int) -> list[str]:
    """What still blocks ``publish`` about the final report, as the case shows the chair."""
    shown = service.get_case(chair, case_id).transitions
    (option,) = [o for o in shown if o.trigger == "publish"]
    return [r for r in option.blocked_by if "final report" in r and "advance" not in r]


# -- the rule: publish only the version the board signed off ---------------------------------


def test_publication_waits_for_the_report_and_the_chairs_sign_off_of_that_very_version(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor, lead: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    respond(service, reviewer, case_id)
    send_copies(service, reviewer, case_id)
    confirm_harm_check(service, chair, case_id)
    clock.set("2026-12-07T10:00:00+00:00")
    assert _reasons(service, chair, case_id) == [
        "Upload the final report (data.final_report) as a document; the chair then signs it "
        "off for the board."
    ]
    rs.appoint(service, reviewer, case_id, **rs.LEAD)
    first = rs.upload_final_report(service, lead, case_id, PDF)
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (first.uploaded_by, first.signed_off, first.may_sign_off) == ("Lena Lead", None, False)
    assert _reasons(service, chair, case_id) == [
        "The chair signs off the final report for the board (data.final_report_signed_off)."
    ]
    with pytest.raises(PermissionDenied, match="may not sign off the final report"):
        rs.sign_off_final_report(service, reviewer, case_id)
    signed = rs.sign_off_final_report(service, chair, case_id)
    assert signed.signed_off is not None
    assert (signed.signed_off.by, signed.signed_off.sha256) == ("carl", first.sha256)
    assert signed.signed_off.minute == "Board meeting, item 6"
    assert _reasons(service, chair, case_id) == []

    # A new version after the sign-off: the board has not seen it, so it is signed off again.
    second = rs.upload_final_report(service, reviewer, case_id, PDF_2)
    assert (second.signed_off, second.replaced_after_sign_off) == (None, False)
    assert service.get_case(chair, case_id).data.get("final_report_signed_off") is None
    assert _reasons(service, chair, case_id) == [
        "The chair signs off the final report for the board (data.final_report_signed_off)."
    ]
    rs.sign_off_final_report(service, chair, case_id)
    with pytest.raises(InvalidInput, match="already signed off"):
        rs.sign_off_final_report(service, chair, case_id)
    case = publish(service, chair, case_id)
    assert case.state == "published"
    assert case.data["final_report_signed_off"]["sha256"] == hashlib.sha256(PDF_2).hexdigest()


def test_deciding_not_to_publish_also_needs_the_signed_off_report(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    data = {"not_published_reasons": "Would identify a sibling", "panel_told_at": "2026-11-30"}
    with pytest.raises(TransitionBlocked, match="blocked") as caught:
        service.transition(
            chair, case_id, "decide_not_to_publish", rs.version(service, case_id), data=data
        )
    assert caught.value.details[0].startswith("Upload the final report")
    rs.final_report_signed_off(service, {"reviewer": reviewer, "chair": chair}, case_id)
    case = service.transition(
        chair, case_id, "decide_not_to_publish", rs.version(service, case_id), data=data
    )
    assert case.state == "not_published"


def test_the_report_and_its_sign_off_are_never_written_as_data(
    service: Service, reviewer: Actor, chair: Actor, call: Call
) -> None:
    case_id = put_in_publication(service, reviewer)
    before = service.get_case(chair, case_id)
    forged = {"sha256": "0" * 64, "by": "carl", "on": "2026-11-30"}
    with pytest.raises(InvalidInput, match="not written as data") as caught:
        service.update_data(chair, case_id, {"final_report_signed_off": forged}, before.version)
    assert caught.value.details == [
        "data.final_report_signed_off: POST /api/v1/cases/<id>/publication/final-report/sign-off "
        "(chair)"
    ]
    with pytest.raises(InvalidInput, match="not written as data"):
        service.transition(chair, case_id, "publish", before.version, data={"final_report": None})
    r = call(
        "chair",
        "patch",
        f"/cases/{case_id}",
        json={"expected_version": before.version, "data": {"final_report": forged}},
    )
    assert_error(r, 422, "invalid_input")
    assert service.get_case(chair, case_id).version == before.version


def test_only_the_reviewer_chair_and_lead_upload_and_agencies_never_see_it(
    service: Service, reviewer: Actor, chair: Actor, call: Call
) -> None:
    case_id = put_in_publication(service, reviewer)
    version = rs.version(service, case_id)
    assert_error(api_upload(call, "police", case_id, version), 403, "forbidden")
    assert_error(api_upload(call, "admin", case_id, version), 403, "forbidden")
    r = api_upload(call, "chair", case_id, version)
    assert r.status_code == 201, r.json
    document = r.json["document"]
    # Agencies see the case's contributions, never the report (nor its details).
    assert_error(call("police", "get", f"/cases/{case_id}/documents/{document}"), 404, "not_found")
    refused = call("police", "get", f"/cases/{case_id}/publication/final-report")
    assert "final-report.pdf" not in assert_error(refused, 404, "not_found")["message"]
    got = call("reviewer", "get", f"/cases/{case_id}/documents/{document}")
    assert (got.status_code, got.data) == (200, PDF)
    assert got.headers["X-Content-SHA256"] == hashlib.sha256(PDF).hexdigest()
    # Not among any contribution's documents.
    assert all(not c["documents"] for c in rs.listed(service, reviewer, case_id, "contributions"))


# -- the API ----------------------------------------------------------------------------------


def test_the_final_report_through_the_api(service: Service, call: Call) -> None:
    case_id = put_in_publication(service, Actor("rita", "reviewer"))
    base = f"/cases/{case_id}/publication/final-report"
    now = call("reviewer", "get", base)
    assert now.status_code == 200, now.json
    assert (now.json["document"], now.json["may_upload"], now.json["may_sign_off"]) == (
        None,
        True,
        False,
    )
    version = now.json["case_version"]
    assert_error(api_upload(call, "reviewer", case_id, version - 1), 409, "version_conflict")
    bad = api_upload(call, "reviewer", case_id, version, b"MZ\x90", "report.exe", "application/x")
    assert (
        "Files of this type are not accepted" in assert_error(bad, 422, "invalid_input")["message"]
    )
    fake = api_upload(call, "reviewer", case_id, version, b"not a pdf")
    assert "is not a PDF" in assert_error(fake, 422, "invalid_input")["message"]
    r = api_upload(call, "reviewer", case_id, version)
    assert r.status_code == 201, r.json
    assert (r.json["filename"], r.json["size_bytes"]) == ("final-report.pdf", len(PDF))
    v = r.json["case_version"]
    sign_off = f"{base}/sign-off"
    assert_error(call("reviewer", "post", sign_off, json={"expected_version": v}), 403, "forbidden")
    assert_error(
        call("chair", "post", sign_off, json={"expected_version": v - 1}), 409, "version_conflict"
    )
    assert_error(call("chair", "post", sign_off, json={"version": v}), 422, "invalid_input")
    r = call("chair", "post", sign_off, json={"expected_version": v, "minute": "Board, 14 Jan"})
    assert r.status_code == 200, r.json
    assert r.json["signed_off"]["by"] == "carl"
    assert r.json["signed_off"]["minute"] == "Board, 14 Jan"
    assert call("chair", "get", base).json["may_sign_off"] is False
    spec = call("reviewer", "get", "/openapi.json").json["paths"]
    assert {"post", "get"} <= set(spec["/api/v1/cases/{id}/publication/final-report"])
    assert "post" in spec["/api/v1/cases/{id}/publication/final-report/sign-off"]


def test_a_report_over_the_document_limit_is_refused_with_413(
    service: Service, call: Call, app: Any
) -> None:
    limit = 64 * 1024
    app.extensions["workflow.settings"] = type(
        "S", (), {"max_document_bytes": limit, "page_size": 4}
    )
    case_id = put_in_publication(service, Actor("rita", "reviewer"))
    version = rs.version(service, case_id)
    too_big = b"%PDF-1.7\n" + b"x" * limit
    refused = assert_error(
        api_upload(call, "reviewer", case_id, version, too_big), 413, "too_large"
    )
    assert f"the limit is {limit:,} bytes" in refused["message"]
    assert rs.version(service, case_id) == version
    assert api_upload(call, "reviewer", case_id, version, too_big[:limit]).status_code == 201


def test_a_review_type_without_a_final_report_has_no_such_call(
    service: Service, reviewer: Actor, call: Call
) -> None:
    case = service.open_case(reviewer, "learning_review", "Family K", {"agencies": ["Police"]})
    assert_error(
        call("reviewer", "get", f"/cases/{case.id}/publication/final-report"), 404, "not_found"
    )
    r = api_upload(call, "reviewer", case.id, case.version)
    assert "keeps no final report" in assert_error(r, 422, "invalid_input")["message"]


# -- the audit trail, removal, and after publication -----------------------------------------


def test_the_trail_names_the_report_by_its_hash_never_its_file_name(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    command = final_report.UploadFinalReport(
        case_id=case_id,
        filename="Child P overview.pdf",
        declared_type="application/pdf",
        content=PDF,
        expected_version=rs.version(service, case_id),
    )
    final_report.upload(service, reviewer, command)
    rs.sign_off_final_report(service, chair, case_id)
    trail = service.events(chair, case_id)
    uploaded, signed = trail[-2], trail[-1]
    assert uploaded.note.startswith("Final report uploaded")
    assert uploaded.detail["changed"]["final_report"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert signed.actor == "carl"
    assert "final_report_signed_off" in signed.detail["changed"]
    assert "Child P" not in repr([e.model_dump() for e in trail[-2:]])


def test_the_report_in_force_cannot_be_removed_but_an_earlier_version_can(
    service: Service, reviewer: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    first = rs.upload_final_report(service, reviewer, case_id, PDF)
    second = rs.upload_final_report(service, reviewer, case_id, PDF_2)
    with pytest.raises(InvalidInput, match="is the case's final report"):
        documents.remove(service, reviewer, case_id, second.document, rs.version(service, case_id))
    documents.remove(service, reviewer, case_id, first.document, rs.version(service, case_id))
    assert final_report.report_of(service, reviewer, case_id).document == second.document


def test_once_published_the_report_no_longer_changes(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = ready_to_publish(service, clock, reviewer, chair)
    publish(service, chair, case_id, url=URL)
    with pytest.raises(InvalidInput, match="can no longer change"):
        rs.upload_final_report(service, reviewer, case_id, PDF_2)
    shown = final_report.report_of(service, reviewer, case_id)
    assert (shown.may_upload, shown.signed_off is not None) == (False, True)
