"""Publication: the board's response, advance copies a set time ahead (T5), the chair's harm
check, publication and "no longer published" when the minimum period ends (T6, fired by the
sweep under a controlled clock), not published, delayed with a review date that escalates, and
learning brief only — through the use cases and the JSON API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import Session, col, select

from tests import records_support as rs
from tests.api_client import Call, assert_error
from tests.conftest import Clock
from tests.test_shipped import RATIONALE, SCOPING, SCR_MET
from workflow.core.calendar import WorkingCalendar
from workflow.core.errors import InvalidInput, PermissionDenied, TransitionBlocked
from workflow.core.guards import REGISTRY, GuardContext
from workflow.core.roles import Actor
from workflow.services import publication, records
from workflow.services.cases import Service
from workflow.services.publication import (
    BoardResponse,
    ConfirmHarmCheck,
    DecideNotToPublish,
    DelayPublication,
    Publish,
    RecordResponse,
    ResumePublication,
    ReviewDelay,
    SendAdvanceCopies,
)
from workflow.services.time.results import FireOutcome
from workflow.services.time.sweep import sweep
from workflow.store.models.cases import Case, Event
from workflow.store.models.time import Escalation
from workflow.store.unit import unit_of_work

RESPONSE = {
    "findings_accepted": [1, 2],
    "priorities": ["Information sharing between health and police"],
    "actions": ["A joint referral protocol", "Training for health visitors"],
    "monitoring": "Quarterly audit reported to the board's performance group.",
}
URL = "https://board.example/reviews/scr-2026-a"


def put_in_publication(
    service: Service,
    reviewer: Actor,
    review_type: str = "serious_case_review",
    title: str = "Child P",
    findings: int = 2,
) -> int:
    """A case whose review is done, waiting in Publication. The earlier steps and their guards
    are tried in tests/test_shipped.py; here the case is put in the state directly, with its
    findings recorded through the records use cases."""
    case = service.open_case(reviewer, review_type, title, {"agencies": ["Police", "Health"]})
    for i in range(findings):
        version = service.get_case(reviewer, case.id).version
        body = {"what_happened": f"Finding {i + 1}", "why": "Because", "kind": "problem"}
        command = records.AddRecord.of(case.id, "findings", body, version)
        records.add_record(service, reviewer, command)
    with unit_of_work(service.db) as s:
        row = s.get(Case, case.id)
        assert row is not None
        row.state = "publication"
        s.add(row)
    return int(case.id)


def version(service: Service, actor: Actor, case_id: int) -> int:
    return int(service.get_case(actor, case_id).version)


def respond(
    service: Service, actor: Actor, case_id: int, response: dict[str, Any] = RESPONSE
) -> Any:
    """The board's response recorded by ``actor`` at the case's current version."""
    command = RecordResponse(
        expected_version=version(service, actor, case_id), response=BoardResponse(**response)
    )
    return publication.record_response(service, actor, case_id, command)


def send_copies(service: Service, actor: Actor, case_id: int, **kw: Any) -> Any:
    """Advance copies recorded by ``actor`` at the case's current version."""
    command = SendAdvanceCopies(expected_version=version(service, actor, case_id), **kw)
    return publication.send_advance_copies(service, actor, case_id, command)


def confirm_harm_check(service: Service, actor: Actor, case_id: int) -> Any:
    command = ConfirmHarmCheck(expected_version=version(service, actor, case_id))
    return publication.confirm_harm_check(service, actor, case_id, command)


def publish(service: Service, actor: Actor, case_id: int, url: str = URL, **kw: Any) -> Any:
    """Publish at ``url`` as ``actor``, at the case's current version."""
    command = Publish(expected_version=version(service, actor, case_id), url=url, **kw)
    return publication.publish(service, actor, case_id, command)


def ready_to_publish(
    service: Service,
    clock: Clock,
    reviewer: Actor,
    chair: Actor,
    review_type: str = "serious_case_review",
) -> int:
    """Response recorded, copies sent on 30 November 2026, harm check confirmed (and, for a
    serious case review, the final report uploaded and signed off); the clock is moved to
    7 December 2026, the first day the copies allow publication."""
    case_id = put_in_publication(service, reviewer, review_type)
    if review_type == "serious_case_review":
        rs.upload_final_report(service, reviewer, case_id)
        rs.sign_off_final_report(service, chair, case_id)
    respond(service, reviewer, case_id)
    send_copies(service, reviewer, case_id)
    confirm_harm_check(service, chair, case_id)
    clock.set("2026-12-07T10:00:00+00:00")
    return case_id


# -- refused until the response, the copies a week ahead and the harm check -------------------


def test_publication_is_refused_with_every_reason_until_each_is_met(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)

    def refusal() -> list[str]:
        with pytest.raises(TransitionBlocked) as caught:
            publish(service, chair, case_id)
        return caught.value.details

    reasons = " ".join(refusal())
    assert "Upload the final report (data.final_report) as a document" in reasons
    assert "Record the board response (data.board_response)" in reasons
    assert "Confirm the harm check confirmed (data.harm_check_confirmed = true)." in reasons
    assert "Send the final report to the national panel, Ofsted and DfE at least 1 week" in reasons

    respond(service, reviewer, case_id)
    send_copies(service, reviewer, case_id, sent_on=date(2026, 11, 27))
    reasons = " ".join(refusal())
    assert "board response" not in reasons
    assert (
        "At least 1 week must pass after the advance copy to the national panel "
        "(data.advance_copies.national_panel, 2026-11-27); the earliest day is 2026-12-04."
    ) in reasons
    assert "Ofsted (data.advance_copies.ofsted, 2026-11-27)" in reasons
    assert "harm check" in reasons

    confirm_harm_check(service, chair, case_id)
    assert [r for r in refusal() if "harm check" in r] == []
    rs.upload_final_report(service, reviewer, case_id)
    assert "The chair signs off the final report for the board" in " ".join(refusal())
    rs.sign_off_final_report(service, chair, case_id)
    assert all("earliest day is 2026-12-04" in r for r in refusal())

    clock.set("2026-12-04T09:00:00+00:00")  # a week after the copies went
    case = publish(service, chair, case_id)
    assert case.state == "published"
    assert case.data["published_at"] == "2026-12-04"
    assert case.data["publication_url"] == URL


def test_a_refused_publication_changes_nothing(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    before = service.get_case(chair, case_id)
    with pytest.raises(TransitionBlocked):
        publish(service, chair, case_id)
    after = service.get_case(chair, case_id)
    assert (after.state, after.version, after.data) == (
        before.state,
        before.version,
        before.data,
    )


def test_copies_sent_on_different_days_are_each_a_week_ahead(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    send_copies(
        service, reviewer, case_id, recipients=["national_panel", "dfe"], sent_on=date(2026, 11, 20)
    )
    status = publication.status(service, reviewer, case_id)
    copies = {c.recipient: c for c in status.advance_copies.copies}
    assert copies["dfe"].publication_allowed_from == date(2026, 11, 27)
    assert copies["ofsted"].sent_on is None
    assert status.advance_copies.publication_allowed_from is None  # Ofsted has none yet
    assert any("Send the final report to Ofsted" in r for r in status.blocked_by)

    send_copies(service, reviewer, case_id, recipients=["ofsted"], sent_on=date(2026, 11, 26))
    status = publication.status(service, reviewer, case_id)
    assert status.advance_copies.publication_allowed_from == date(2026, 12, 3)
    copy_reasons = [r for r in status.blocked_by if "advance copy" in r]
    assert copy_reasons == [
        "At least 1 week must pass after the advance copy to Ofsted "
        "(data.advance_copies.ofsted, 2026-11-26); the earliest day is 2026-12-03."
    ]


def test_the_set_time_is_policy_in_the_definition(service: Service) -> None:
    policy = publication.advance_policy(service.definition("serious_case_review"))
    assert policy == publication.AdvancePolicy(("national_panel", "ofsted", "dfe"), "1 week")
    # 2018+: the Panel and the Secretary of State, at least 7 working days before.
    policy = publication.advance_policy(service.definition("local_practice_review"))
    assert policy == publication.AdvancePolicy(
        ("national_panel", "secretary_of_state"), "7 working days"
    )


def test_advance_copies_cannot_be_dated_in_the_future_or_sent_to_others(
    service: Service, reviewer: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    with pytest.raises(InvalidInput, match="in the future"):
        send_copies(service, reviewer, case_id, sent_on=date(2026, 12, 1))
    with pytest.raises(InvalidInput) as caught:
        send_copies(service, reviewer, case_id, recipients=["the press"])
    assert caught.value.details == ["recipients: unknown recipient 'the press'."]


def test_only_the_chair_confirms_the_harm_check(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    with pytest.raises(PermissionDenied):
        confirm_harm_check(service, reviewer, case_id)
    case = confirm_harm_check(service, chair, case_id)
    assert case.data["harm_check_confirmed"] is True
    assert case.data["harm_check"] == {"confirmed_by": "carl", "confirmed_on": "2026-11-30"}
    events = service.events(chair, case_id)
    assert "unlikely to harm any child or vulnerable adult" in events[-1].note


# -- the board's response -----------------------------------------------------------------------


def test_the_board_response_is_structured_and_names_real_findings(
    service: Service, reviewer: Actor, call: Call
) -> None:
    case_id = put_in_publication(service, reviewer)
    # A part the response does not have, or one of the wrong shape, is refused where the
    # response enters (the JSON API), each by name.
    error = assert_error(
        call(
            "reviewer",
            "put",
            f"/cases/{case_id}/publication/response",
            json={
                "expected_version": version(service, reviewer, case_id),
                "response": {"findings_accepted": [], "priorities": "", "colour": "red"},
            },
        ),
        422,
        "invalid_input",
    )
    assert [d.split(":")[0] for d in error["details"]] == [
        "response.actions",
        "response.colour",
        "response.monitoring",
        "response.priorities",
    ]
    with pytest.raises(ValidationError, match="colour"):
        BoardResponse.model_validate({**RESPONSE, "colour": "red"})
    # What the response lacks is the domain's to say, in its words.
    with pytest.raises(InvalidInput) as caught:
        respond(
            service,
            reviewer,
            case_id,
            {"findings_accepted": [], "priorities": [], "actions": [], "monitoring": ""},
        )
    assert caught.value.details == [
        "Record the findings the board accepts in its response "
        "(data.board_response.findings_accepted, a list of finding numbers).",
        "Record the board's priorities in the board's response (data.board_response.priorities).",
        "Record the actions it will take in the board's response (data.board_response.actions).",
        "Record how the effectiveness of those actions will be monitored in the board's response "
        "(data.board_response.monitoring).",
    ]
    with pytest.raises(InvalidInput) as caught:
        respond(service, reviewer, case_id, {**RESPONSE, "findings_accepted": [1, 7]})
    assert any(
        "has no finding 7; its findings are numbered 1, 2" in d for d in caught.value.details
    )

    case = respond(
        service,
        reviewer,
        case_id,
        {
            **RESPONSE,
            "findings_accepted": [1],
            "findings_not_accepted": [{"number": 2, "reason": "Out of scope"}],
        },
    )
    assert case.data["board_response"] == {
        "findings_accepted": [1],
        "findings_not_accepted": [{"number": 2, "reason": "Out of scope"}],
        "priorities": RESPONSE["priorities"],
        "actions": RESPONSE["actions"],
        "monitoring": RESPONSE["monitoring"],
        "agreed_on": "2026-11-30",
    }


def test_an_incomplete_response_written_into_data_still_blocks_publication(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = ready_to_publish(service, clock, reviewer, chair)
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(
            chair,
            case_id,
            "publish",
            version(service, chair, case_id),
            data={
                "board_response": {"findings_accepted": [1], "priorities": ["x"]},
                "publication_url": URL,
            },
        )
    assert caught.value.details == [
        "Record the actions it will take in the board's response (data.board_response.actions).",
        "Record how the effectiveness of those actions will be monitored in the board's response "
        "(data.board_response.monitoring).",
    ]


# -- published, then no longer published when the period ends ----------------------------------


def test_the_end_of_the_minimum_period_reminds_the_chair_who_takes_the_report_down(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = ready_to_publish(service, clock, reviewer, chair)
    case = publish(service, chair, case_id)
    assert (case.state, case.data["published_at"]) == ("published", "2026-12-07")
    (website,) = [d for d in case.deadlines if d.name == "website"]
    assert (website.due_date, website.status) == (date(2027, 12, 7), "pending")

    # The last day of the twelve months: the report stays up.
    clock.set("2027-12-07T23:59:00+00:00")
    assert sweep(service) == []
    assert service.get_case(chair, case_id).state == "published"

    # The period is over at the end of that day (London): the chair is reminded; the report
    # stays up until a person decides.
    clock.set("2027-12-08T00:00:00+00:00")
    fired = [f for f in sweep(service) if f.deadline == "website"]
    assert [(f.outcome, f.trigger, f.to_roles) for f in fired] == [
        (FireOutcome.ESCALATED, None, ("chair",))
    ]
    case = service.get_case(chair, case_id)
    assert case.state == "published"
    case = service.transition(chair, case_id, "withdraw", case.version)
    assert (case.state, case.state_label) == (
        "no_longer_published",
        "No longer published (available on request; actions monitored)",
    )
    steps = [
        (e.trigger, e.actor, e.actor_role)
        for e in service.events(chair, case_id)
        if e.kind == "transition"
    ]
    assert steps[-2:] == [("publish", "carl", "chair"), ("withdraw", "carl", "chair")]
    assert [f for f in sweep(service) if f.deadline == "website"] == []  # once only


def test_learning_brief_only_needs_the_reasons_the_report_is_withheld(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = ready_to_publish(service, clock, reviewer, chair)
    with pytest.raises(TransitionBlocked) as caught:
        publish(service, chair, case_id, published_as="learning_brief")
    assert caught.value.details == [
        "Only a learning brief is to be published: record the reasons the full report is "
        "withheld (data.withheld_reasons)."
    ]
    case = publish(
        service,
        chair,
        case_id,
        published_on=date(2026, 12, 7),
        published_as="learning_brief",
        withheld_reasons="The full report would identify a surviving sibling.",
    )
    assert case.state == "published"
    status = publication.status(service, chair, case_id)
    assert status.published is not None
    assert status.published.model_dump() == {
        "url": URL,
        "published_on": "2026-12-07",
        "published_as": "learning_brief",
        "withheld_reasons": "The full report would identify a surviving sibling.",
    }
    with pytest.raises(ValidationError, match="published_as"):
        Publish(expected_version=case.version, url=URL, published_as="poster")


def test_not_published_needs_reasons_sent_to_the_national_panel(
    service: Service, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)
    # The command needs the day (the API refuses a call without it); the step's guard holds
    # the rule for any other way the step is taken.
    with pytest.raises(ValidationError, match="panel_told_on"):
        DecideNotToPublish.model_validate({"expected_version": 1, "reasons": "Risk to siblings"})
    with pytest.raises(TransitionBlocked) as caught:
        service.transition(
            chair,
            case_id,
            "decide_not_to_publish",
            version(service, chair, case_id),
            data={"not_published_reasons": "Risk to siblings", "panel_told_at": None},
        )
    assert caught.value.details == [
        "Upload the final report (data.final_report) as a document; the chair then signs it "
        "off for the board.",
        "Record the panel told at (data.panel_told_at).",
    ]
    rs.upload_final_report(service, reviewer, case_id)
    rs.sign_off_final_report(service, chair, case_id)
    command = DecideNotToPublish(
        expected_version=version(service, chair, case_id),
        reasons="Publication would put the surviving siblings at risk.",
        panel_told_on=date(2026, 11, 30),
    )
    case = publication.decide_not_to_publish(service, chair, case_id, command)
    assert (case.state, case.final) == ("not_published", False)  # the actions go on
    status = publication.status(service, chair, case_id)
    assert status.not_published is not None
    assert status.not_published.model_dump() == {
        "reasons": "Publication would put the surviving siblings at risk.",
        "panel_told_on": "2026-11-30",
    }


# -- delayed by parallel proceedings, with a review date that escalates ------------------------


def test_a_delay_has_a_review_date_that_escalates_to_the_chair(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = put_in_publication(service, reviewer)

    def delay(reason: str, review_date: date) -> Any:
        command = DelayPublication(
            expected_version=version(service, chair, case_id),
            reason=reason,
            review_date=review_date,
        )
        return publication.delay(service, chair, case_id, command)

    def review_delay(expected_version: int, review_date: date) -> Any:
        command = ReviewDelay(expected_version=expected_version, review_date=review_date)
        return publication.review_delay(service, chair, case_id, command)

    with pytest.raises(InvalidInput, match="after today"):
        delay("Trial", date(2026, 11, 30))
    case = delay("Criminal trial listed for January", date(2027, 1, 15))
    assert case.state == "publication_delayed"
    (review,) = [d for d in case.deadlines if d.name == "delay_review"]
    # Friday 15 January 2027: escalates if not reviewed by the end of the next working day.
    assert (review.due_date, review.status) == (date(2027, 1, 18), "pending")

    # Reviewed in time: the next review date moves the pending deadline.
    clock.set("2027-01-14T10:00:00+00:00")
    case = review_delay(case.version, date(2027, 2, 26))
    (review,) = [d for d in case.deadlines if d.name == "delay_review"]
    assert (review.due_date, review.status) == (date(2027, 3, 1), "pending")

    # Not reviewed: the sweep escalates to the chair.
    clock.set("2027-03-02T08:00:00+00:00")
    fired = [f for f in sweep(service) if f.deadline == "delay_review"]
    assert [(f.outcome, f.to_roles) for f in fired] == [("escalated", ("chair",))]
    with Session(service.db) as s:
        (escalation,) = s.exec(select(Escalation).where(Escalation.deadline_name == "delay_review"))
    assert "Review the delay to publication" in escalation.reason
    assert escalation.to_roles == ["chair"]

    # Reviewed after escalating: the delay is taken again with a review deadline of its own.
    case = review_delay(version(service, chair, case_id), date(2027, 4, 30))
    assert case.state == "publication_delayed"
    current = [d for d in case.deadlines if d.name == "delay_review"]
    assert [(d.due_date, d.status) for d in current][-1] == (date(2027, 5, 4), "pending")

    resumed = ResumePublication(expected_version=case.version, note="The trial has ended.")
    case = publication.resume(service, chair, case_id, resumed)
    assert case.state == "publication"
    assert [d.status for d in case.deadlines if d.name == "delay_review"][-1] == "met"


# -- guards both ways ---------------------------------------------------------------------------

CAL = WorkingCalendar()


def run(name: str, data: dict[str, Any], params: dict[str, Any] | None = None) -> list[str]:
    ctx = GuardContext(data=data, state="publication", today=date(2026, 11, 30), calendar=CAL)
    return REGISTRY.evaluate(name, params or {}, ctx)


COPIES = {"recipients": ["national_panel", "ofsted", "dfe"], "duration": "1 week"}


@pytest.mark.parametrize(
    ("name", "params", "met", "unmet", "words"),
    [
        (
            "board_response_recorded",
            {},
            {"board_response": RESPONSE},
            {},
            "Record the board response",
        ),
        (
            "board_response_recorded",
            {},
            {"board_response": "Accepted in full."},
            {"board_response": {"priorities": ["x"]}},
            "findings the board accepts",
        ),
        (
            "advance_copies_sent",
            COPIES,
            {"report_sent_at": "2026-11-23"},
            {"report_sent_at": "2026-11-24"},
            "after the report sent at (2026-11-24) to the national panel, Ofsted and DfE; "
            "the earliest day is 2026-12-01",
        ),
        (
            "advance_copies_sent",
            COPIES,
            {
                "advance_copies": {
                    "national_panel": "2026-11-01",
                    "ofsted": "2026-11-02",
                    "dfe": "2026-11-23",
                }
            },
            {"advance_copies": {"national_panel": "2026-11-01"}},
            "Send the final report to Ofsted and DfE",
        ),
        (
            "advance_copies_sent",
            COPIES,
            {"advance_copies": {"dfe": "2026-11-02"}, "report_sent_at": "2026-11-20"},
            {"advance_copies": {"dfe": "2026-11-30"}, "report_sent_at": "2026-11-20"},
            "advance copy to DfE (data.advance_copies.dfe, 2026-11-30)",
        ),
        (
            "advance_copies_sent",
            COPIES,
            {"report_sent_at": "2026-11-01"},
            {"report_sent_at": "last week"},
            "must be a date",
        ),
        (
            "published_as_explained",
            {},
            {"published_as": "summary", "withheld_reasons": "Siblings"},
            {"published_as": "summary"},
            "Only a summary is to be published",
        ),
        (
            "published_as_explained",
            {},
            {},
            {"published_as": "poster"},
            "'full_report', 'summary' or 'learning_brief'",
        ),
    ],
)
def test_publication_guards_both_ways(
    name: str, params: dict[str, Any], met: dict[str, Any], unmet: dict[str, Any], words: str
) -> None:
    assert REGISTRY.check(name, params) == []
    assert run(name, met, params) == []
    sentences = run(name, unmet, params)
    assert any(words in s for s in sentences), sentences
    assert all(s[0].isupper() and s.endswith(".") for s in sentences)


def test_the_copies_guard_checks_its_parameters() -> None:
    problems = REGISTRY.check("advance_copies_sent", {"recipients": [], "duration": "a week"})
    assert len(problems) == 2
    assert "parameter 'recipients' must be a non-empty list" in problems[0]
    assert "parameter 'duration'" in problems[1]
    assert REGISTRY.check("advance_copies_sent", {"recipients": ["ofsted"]}) == [
        "guard 'advance_copies_sent' needs the parameter 'duration' (how long before "
        "publication, e.g. '1 week')"
    ]


# -- the JSON API ----------------------------------------------------------------------------


def test_publication_through_the_api(
    service: Service, clock: Clock, call: Call, tokens: dict[str, str]
) -> None:
    reviewer = Actor("rita", "reviewer")
    case_id = put_in_publication(service, reviewer)
    base = f"/cases/{case_id}/publication"
    status = call("reviewer", "get", base)
    assert status.status_code == 200
    assert status.json["can_publish"] is False
    v = status.json["version"]

    r = call(
        "reviewer", "put", f"{base}/response", json={"expected_version": v, "response": RESPONSE}
    )
    assert r.status_code == 200, r.json
    assert r.json["data"]["board_response"]["findings_accepted"] == [1, 2]
    assert_error(
        call(
            "reviewer",
            "put",
            f"{base}/response",
            json={"expected_version": v, "response": RESPONSE},
        ),
        409,
        "version_conflict",
    )
    r = call(
        "reviewer",
        "post",
        f"{base}/advance-copies",
        json={"expected_version": r.json["version"], "sent_on": "2026-11-30"},
    )
    assert r.status_code == 200, r.json
    assert_error(
        call(
            "reviewer", "post", f"{base}/harm-check", json={"expected_version": r.json["version"]}
        ),
        403,
        "forbidden",
    )
    r = call("chair", "post", f"{base}/harm-check", json={"expected_version": r.json["version"]})
    assert r.status_code == 200
    v = rs.api_final_report_signed_off(call, case_id)
    error = assert_error(
        call("chair", "post", f"{base}/publish", json={"expected_version": v, "url": URL}),
        422,
        "blocked",
    )
    assert error["details"] == [
        "At least 1 week must pass after the advance copy to the national panel "
        "(data.advance_copies.national_panel, 2026-11-30); the earliest day is 2026-12-07.",
        "At least 1 week must pass after the advance copy to Ofsted "
        "(data.advance_copies.ofsted, 2026-11-30); the earliest day is 2026-12-07.",
        "At least 1 week must pass after the advance copy to DfE "
        "(data.advance_copies.dfe, 2026-11-30); the earliest day is 2026-12-07.",
    ]
    clock.set("2026-12-07T09:00:00+00:00")
    status = call("reviewer", "get", base).json
    assert (status["can_publish"], status["blocked_by"]) == (True, [])
    assert_error(
        call(
            "chair",
            "post",
            f"{base}/publish",
            json={"expected_version": status["version"], "url": "not a url"},
        ),
        422,
        "invalid_input",
    )
    r = call(
        "chair", "post", f"{base}/publish", json={"expected_version": status["version"], "url": URL}
    )
    assert r.status_code == 200, r.json
    assert r.json["state"] == "published"
    assert_error(call("lead", "get", base), 404, "not_found")  # not their case

    spec = call("reviewer", "get", "/openapi.json").json
    assert "/api/v1/cases/{id}/publication/publish" in spec["paths"]


def test_delay_and_not_published_through_the_api(service: Service, call: Call) -> None:
    case_id = put_in_publication(service, Actor("rita", "reviewer"))
    base = f"/cases/{case_id}/publication"
    v = call("chair", "get", base).json["version"]
    assert_error(
        call("chair", "post", f"{base}/delay", json={"expected_version": v, "reason": "Trial"}),
        422,
        "invalid_input",
    )
    r = call(
        "chair",
        "post",
        f"{base}/delay",
        json={"expected_version": v, "reason": "Trial", "review_date": "2027-01-15"},
    )
    assert r.status_code == 200, r.json
    r = call("chair", "post", f"{base}/resume", json={"expected_version": r.json["version"]})
    assert r.json["state"] == "publication"
    v = rs.api_final_report_signed_off(call, case_id)
    r = call(
        "chair",
        "post",
        f"{base}/not-published",
        json={
            "expected_version": v,
            "reasons": "Siblings at risk",
            "panel_told_on": "2026-11-30",
        },
    )
    assert (r.status_code, r.json["state"]) == (200, "not_published")
    status = call("chair", "get", base).json
    assert status["not_published"]["reasons"] == "Siblings at risk"


def test_a_local_practice_review_publishes_under_the_same_policy(
    service: Service, clock: Clock, reviewer: Actor, chair: Actor
) -> None:
    case_id = ready_to_publish(service, clock, reviewer, chair, "local_practice_review")
    # A week after the copies of 30 November is not enough: 7 working days end on 9 December,
    # and the three safeguarding partners sign the final report off first.
    with pytest.raises(TransitionBlocked) as caught:
        publish(service, chair, case_id)
    reasons = " ".join(caught.value.details)
    assert "At least 7 working days must pass" in reasons
    assert "the earliest day is 2026-12-09" in reasons
    assert "data.report_signed_off.police = true" in reasons
    version = service.get_case(chair, case_id).version
    signed = {"local_authority": True, "police": True, "health": True}
    service.update_data(chair, case_id, {"report_signed_off": signed}, version)
    clock.set("2026-12-09T10:00:00+00:00")
    case = publish(service, chair, case_id)
    assert case.state == "monitoring"
    with Session(service.db) as s:
        trail = s.exec(
            select(Event.trigger).where(Event.case_id == case_id, col(Event.kind) == "transition")
        ).all()
    assert list(trail) == ["publish"]


# -- as a chair would, from referral to no longer published -------------------------------------


def test_a_chair_takes_a_review_from_referral_to_closed(
    service: Service, clock: Clock, call: Call
) -> None:
    reviewer, chair = Actor("rita", "reviewer"), Actor("carl", "chair")
    agencies = ["Police", "Children's Social Care"]
    r = call(
        "reviewer",
        "post",
        "/cases",
        json={
            "review_type": "serious_case_review",
            "title": "Child Q",
            "data": {"agencies": agencies},
        },
    )
    assert r.status_code == 201, r.json
    case_id = r.json["id"]

    def take(who: str, trigger: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        v = call(who, "get", f"/cases/{case_id}").json["version"]
        answer = call(
            who,
            "post",
            f"/cases/{case_id}/transitions",
            json={"trigger": trigger, "expected_version": v, "data": data or {}},
        )
        assert answer.status_code == 200, (trigger, answer.json)
        return dict(answer.json)

    take("chair", "decide_scr", SCR_MET | RATIONALE)
    rs.appoint(service, reviewer, case_id)
    take("reviewer", "appoint_lead", SCOPING)
    take("chair", "start_involvement", rs.PANEL_TOLD_OF_REVIEW)
    rs.involve(service, reviewer, case_id, tuple(agencies))
    take("reviewer", "begin_findings")
    rs.settle_and_find(service, reviewer, case_id)
    take("chair", "agree_findings")
    rs.plan(service, reviewer, case_id)
    take("chair", "sign_off_action_plan")
    # Publication does not wait for the actions: they are monitored after it.
    assert take("chair", "prepare_publication")["state"] == "publication"

    base = f"/cases/{case_id}/publication"
    v = call("chair", "get", base).json["version"]
    v = call(
        "reviewer",
        "put",
        f"{base}/response",
        json={"expected_version": v, "response": {**RESPONSE, "findings_accepted": [1]}},
    ).json["version"]
    v = call("reviewer", "post", f"{base}/advance-copies", json={"expected_version": v}).json[
        "version"
    ]
    v = call("chair", "post", f"{base}/harm-check", json={"expected_version": v}).json["version"]
    v = rs.api_final_report_signed_off(call, case_id)
    refused = assert_error(
        call("chair", "post", f"{base}/publish", json={"expected_version": v, "url": URL}),
        422,
        "blocked",
    )
    assert all("the earliest day is 2026-12-07" in d for d in refused["details"])

    clock.set("2026-12-07T09:30:00+00:00")
    published = call("chair", "post", f"{base}/publish", json={"expected_version": v, "url": URL})
    assert (published.status_code, published.json["state"]) == (200, "published")

    clock.set("2027-12-08T00:05:00+00:00")
    # The minimum period ends: the chair is reminded, and takes the report down.
    assert [f.outcome for f in sweep(service) if f.deadline == "website"] == ["escalated"]
    assert take("chair", "withdraw")["state"] == "no_longer_published"
    rs.complete(service, reviewer, case_id)
    final = take("chair", "close")
    assert (final["state"], final["final"]) == ("closed", True)
    assert service.get_case(chair, case_id).data["board_response"]["findings_accepted"] == [1]


# -- the names publication works with are the definition's -------------------------------------


def _renamed_scr() -> str:
    """The shipped serious case review with its publication steps and delay state renamed, and
    a ``[publication]`` table that names them."""
    from tests.test_shipped import DEFINITIONS

    source = (DEFINITIONS / "serious_case_review.toml").read_text(encoding="utf-8")
    for old, new in (
        ('"publish"', '"publish_report"'),
        ('"delay_publication"', '"hold_publication"'),
        ('"resume_publication"', '"release_publication"'),
        ('"publication_delayed"', '"on_hold"'),
        ("[states.publication_delayed]", "[states.on_hold]"),
    ):
        assert old in source, old
        source = source.replace(old, new)
    return source + (
        '\n[publication]\npublish = "publish_report"\ndelay = "hold_publication"\n'
        'resume = "release_publication"\ndelayed_state = "on_hold"\n'
    )


def test_a_review_type_that_names_its_publication_steps_otherwise_publishes_through_the_api(
    service: Service, clock: Clock, call: Call, admin: Actor, chair: Actor
) -> None:
    from workflow.services.reports.annual.report import annual

    service.publish(admin, _renamed_scr())
    reviewer = Actor("rita", "reviewer")
    case_id = ready_to_publish(service, clock, reviewer, chair)
    base = f"/cases/{case_id}/publication"
    v = call("chair", "get", base).json["version"]
    body = {"expected_version": v, "reason": "Trial", "review_date": "2027-01-15"}
    r = call("chair", "post", f"{base}/delay", json=body)
    assert (r.status_code, r.json["state"]) == (200, "on_hold"), r.json
    status = call("chair", "get", base).json
    assert [x["name"] for x in status["deadlines"]] == ["delay_review"]
    r = call("chair", "post", f"{base}/resume", json={"expected_version": r.json["version"]})
    assert (r.status_code, r.json["state"]) == (200, "publication"), r.json
    status = call("chair", "get", base).json
    assert (status["can_publish"], status["blocked_by"]) == (True, [])
    body = {"expected_version": status["version"], "url": URL}
    r = call("chair", "post", f"{base}/publish", json=body)
    assert (r.status_code, r.json["state"]) == (200, "published"), r.json
    report = annual(service, chair, 2026)
    (scr,) = [x for x in report.reviews if x.review_type == "serious_case_review"]
    assert (scr.published, scr.delayed) == (1, 1)
    assert [p.review_type for p in report.publications] == ["serious_case_review"]


def test_a_publication_name_the_definition_does_not_have_is_refused() -> None:
    from workflow.core.definition import load
    from workflow.core.errors import DefinitionError

    source = _renamed_scr().replace('publish = "publish_report"', 'publish = "publish_it"')
    with pytest.raises(DefinitionError) as refused:
        load(source + 'website_timer = "web"\nshout = "x"\n')
    text = str(refused.value)
    assert "publication.publish: 'publish_it' is not a step of this definition" in text
    assert "publication.website_timer: 'web' is not a timer of this definition" in text
    assert "publication.shout: unknown key 'shout'" in text
