# ruff: noqa: F811  (the fixtures of tests/test_pages.py are imported, then asked for by name)
"""Issue 14, on the pages without a browser: every error a page route answers is a GOV.UK page
with a way back (the API keeps JSON), roles are named with the right article, and "Open a
case" is offered only to roles that may open one."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.test_pages import app, as_user, client, open_incident, people, settings, text_of  # noqa: F401  (fixtures)
from workflow.core.roles import Actor, a_role
from workflow.services.cases import Service


def _page_error(response: Any, status: int) -> str:
    assert response.status_code == status
    assert response.content_type.startswith("text/html"), response.get_data(as_text=True)[:200]
    html = response.get_data(as_text=True)
    assert 'class="govuk-template' in html
    assert 'data-testid="way-back"' in html
    return html


def test_a_step_address_loaded_again_answers_a_page_with_a_way_back_to_the_case(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    c = as_user(app, "rita")
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    html = _page_error(c.get(f"/cases/{case.id}/steps/notify"), 405)
    assert "cannot be loaded again on its own" in text_of(html)
    assert f'href="/cases/{case.id}"' in html and "Go back to the case" in html
    assert "method_not_allowed" not in html


def test_unknown_pages_forbidden_pages_and_conflicts_are_pages(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    c = as_user(app, "rita")
    html = _page_error(c.get("/no-such-page"), 404)
    assert "Page not found" in html and "Go to your dashboard" in html
    _page_error(c.get("/cases/999999"), 404)
    html = _page_error(c.get("/admin/"), 403)
    assert "You cannot do that" in html


def test_a_page_signed_out_offers_sign_in(client: Any) -> None:
    html = _page_error(client.get("/no-such-page"), 404)
    assert "Go to sign in" in html


def test_the_api_keeps_json_errors(app: Any) -> None:
    c = app.test_client()
    r = c.get("/api/v1/no-such-call")
    assert r.status_code == 404 and r.is_json
    assert r.get_json()["error"]["code"] == "not_found"
    r = c.delete("/api/v1/cases", headers={"Authorization": "Bearer x"})
    assert r.status_code in (401, 405) and r.is_json


def test_a_larger_body_than_allowed_is_a_page(app: Any) -> None:
    c = as_user(app, "rita")
    app.config["MAX_CONTENT_LENGTH"] = 2048
    html = _page_error(c.post("/cases/new/notifiable_incident", data={"x": "y" * 5000}), 413)
    assert "larger than the 2 KiB allowed" in text_of(html)


def test_roles_take_the_right_article() -> None:
    assert a_role("agency") == "an agency user"
    assert a_role("admin") == "an administrator"
    assert a_role("lead_reviewer") == "a lead reviewer"
    assert a_role("chair") == "a chair"


def test_open_a_case_is_offered_only_to_roles_that_may_open_one(app: Any) -> None:
    for name, offered in (("rita", True), ("carl", True), ("pat", False), ("ada", False)):
        html = as_user(app, name).get("/").get_data(as_text=True)
        assert ("Open a case" in html) is offered, name
    html = as_user(app, "pat").get("/cases/new").get_data(as_text=True)
    assert "An agency user cannot open cases" in text_of(html)
    assert " a agency" not in text_of(html)


def _reasons(html: str, trigger: str) -> str:
    start = html.index(f'data-testid="reasons-{trigger}"')
    return html[start : html.index("</ul>", start)]


def test_each_unmet_requirement_links_to_the_form_and_field_that_meets_it(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    carl = people["carl"]
    case = service.open_case(carl, "learning_review", "Family E", {"agencies": ["Police"]})
    service.update_data(carl, case.id, {"decision_rationale": "Useful insight."}, case.version)
    service.transition(carl, case.id, "commission", service.get_case(carl, case.id).version)
    html = as_user(app, "rita").get(f"/cases/{case.id}").get_data(as_text=True)
    reasons = _reasons(html, "appoint_lead")
    lead = re.search(r"<li>No lead reviewer[^<]*<a [^>]*href=\"([^\"]+)\"[^>]*>([^<]+)<", reasons)
    assert lead, reasons
    assert lead.group(1) == f"/cases/{case.id}/records/lead-appointments#add"
    assert lead.group(2).strip() == "Record it in lead reviewer"
    scoping = re.search(r"<li>[^<]*scale[^<]*<a [^>]*href=\"([^\"]+)\"", reasons)
    assert scoping and scoping.group(1).startswith(f"/cases/{case.id}/record/scoping#scoping__")


def test_messages_show_labels_never_key_paths(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    html = as_user(app, "rita").get(f"/cases/{case.id}").get_data(as_text=True)
    for trigger in ("notify", "not_notifiable"):
        shown = text_of(_reasons(html, trigger) + "</ul>")
        assert "data." not in shown and "(data" not in shown, shown
    shown = text_of(_reasons(html, "not_notifiable") + "</ul>")
    assert "Record the decision and rationale." in shown
    assert "Answer yes or no: is abuse or neglect known or suspected?" in text_of(html)
    # The API keeps the paths, for programs.
    api = service.get_case(people["rita"], case.id)
    blocked = [s for t in api.transitions for s in t.blocked_by]
    assert any("(data.criteria.abuse_or_neglect)" in s for s in blocked)


def test_remove_asks_for_confirmation_first_and_says_what_was_removed(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    from workflow.services import records

    rita = people["rita"]
    case = service.open_case(rita, "learning_review", "Family F", {"agencies": ["Police"]})
    command = records.AddRecord.of(
        case.id,
        "practitioners",
        {"agency": "Police", "role_title": "Detective"},
        case.version,
    )
    added = records.add_record(service, rita, command)
    c = as_user(app, "rita")
    listing = c.get(f"/cases/{case.id}/records/practitioners").get_data(as_text=True)
    form = re.search(rf'<form method="get"[^>]*id="remove-{added.id}"', listing)
    assert form, "the Remove button leads to a confirmation page"
    # A POST without the confirmation removes nothing and asks first.
    url = f"/cases/{case.id}/records/practitioners/{added.id}/remove"
    from tests.test_pages import submit

    page = c.get(url).get_data(as_text=True)
    assert "Are you sure you want to remove Practitioner 1: Detective, Police?" in text_of(page)
    sneaky = submit(c, page, "confirm-remove", drop=("confirmed",))
    assert sneaky.status_code == 302 and sneaky.location.startswith(url)
    assert len(records.list_records(service, rita, case.id, "practitioners").items) == 1
    done = submit(c, page, "confirm-remove")
    assert done.status_code == 302
    assert records.list_records(service, rita, case.id, "practitioners").items == []
    after = text_of(c.get(done.location).get_data(as_text=True))
    assert "Removed Practitioner 1: Detective, Police." in after
    assert f"practitioner {added.id}" not in after.lower() or added.id == 1


def test_findings_kind_is_not_labelled_as_a_contribution(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = service.open_case(people["rita"], "learning_review", "Family G", {"agencies": ["X"]})
    c = as_user(app, "rita")
    findings = text_of(c.get(f"/cases/{case.id}/records/findings").get_data(as_text=True))
    assert "Good practice or a problem" in findings and "What is asked for" not in findings
    asked = text_of(c.get(f"/cases/{case.id}/records/contributions").get_data(as_text=True))
    assert "What is asked for" in asked


def _stages(html: str) -> list[tuple[str, str]]:
    panel = html[
        html.index('data-testid="stages"') : html.index("</ol>", html.index('data-testid="stages"'))
    ]
    found = re.findall(
        r'app-stages__item--(\w+)"[^>]*>\s*<span class="app-stages__label">([^<]+)<', panel
    )
    return [(status, label) for status, label in found]


def test_after_the_chair_decides_the_banner_links_to_the_review_opened_and_stages_show_the_path(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    from tests.test_pages import CRITERIA_MET, submit

    rita, carl = people["rita"], people["carl"]
    case = open_incident(service, rita, date(2026, 11, 26), ["Police"])
    criteria = CRITERIA_MET | {"concern_about_working_together": True, "died_in_custody": False}
    case = service.update_data(rita, case.id, {"criteria": criteria}, case.version)
    case = service.transition(rita, case.id, "notify", case.version)
    d = service.definition("notifiable_incident")
    # Before the decision: the path so far, then the stages the next steps lead to.
    c = as_user(app, "carl")
    html = c.get(f"/cases/{case.id}").get_data(as_text=True)
    stages = _stages(html)
    assert stages[:2] == [("done", d.label_of("referral")), ("current", d.label_of(case.state))]
    nexts = {label for status, label in stages if status == "next"}
    assert nexts == {d.label_of(t.dest) for t in d.transitions_from(case.state)}
    service.update_data(carl, case.id, {"decision_rationale": "Criteria met."}, case.version)
    html = c.get(f"/cases/{case.id}").get_data(as_text=True)
    response = submit(c, html, f"/cases/{case.id}/steps/decide_scr")
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:500]
    page = c.get(response.location).get_data(as_text=True)
    opened = [x for x in service.get_case(carl, case.id).linked_cases if x.relation == "opened"]
    assert len(opened) == 1
    link = re.search(r'data-testid="opened-case"', page)
    assert link, text_of(page)[:400]
    assert f'href="/cases/{opened[0].id}" data-testid="opened-case">{opened[0].reference}<' in page
    assert "It opened the serious case review" in text_of(page)
    # After it: the path taken only; the stages of the paths not taken are not shown.
    stages = _stages(page)
    taken = [label for status, label in stages if status != "next"]
    assert taken == [d.label_of(s) for s in ("referral", case.state)] + [
        d.label_of(service.get_case(carl, case.id).state)
    ]


def test_a_person_with_no_step_reads_who_acts_next_and_what_they_must_do(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    scr = "serious_case_review"
    case = service.open_case(people["rita"], scr, "Child H", {"agencies": ["Police"]})
    html = as_user(app, "rita").get(f"/cases/{case.id}").get_data(as_text=True)
    assert "There is no step for a reviewer at this stage" in html
    nexts = text_of(html[html.index('data-testid="next-actors"') :].split("</div>", 1)[0])
    d = service.definition(scr)
    chair_steps = [t for t in d.transitions_from(case.state) if "chair" in t.roles]
    assert chair_steps
    label = chair_steps[0].label
    assert f"A chair must {label[0].lower()}{label[1:]}" in nexts


def test_the_timeline_names_records_and_their_deadlines_never_by_database_id(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    from workflow.services import records

    rita = people["rita"]
    other = service.open_case(rita, "learning_review", "Family I", {"agencies": ["Police"]})
    add = records.AddRecord.of(
        other.id, "practitioners", {"agency": "Police", "role_title": "GP"}, other.version
    )
    records.add_record(service, rita, add)
    case = service.open_case(rita, "learning_review", "Family J", {"agencies": ["Police"]})
    add = records.AddRecord.of(
        case.id, "practitioners", {"agency": "Police", "role_title": "GP"}, case.version
    )
    made = records.add_record(service, rita, add)
    assert made.id != 1
    now = service.get_case(rita, case.id)
    asked = {"agency": "Police", "kind": "chronology", "due_date": "2027-01-15"}
    records.add_record(
        service, rita, records.AddRecord.of(case.id, "contributions", asked, now.version)
    )
    now = service.get_case(rita, case.id)
    records.remove_record(
        service, rita, records.RemoveRecord.of(case.id, "practitioners", made.id, now.version)
    )
    html = as_user(app, "rita").get(f"/cases/{case.id}").get_data(as_text=True)
    timeline = text_of(html.split('data-testid="timeline"')[1])
    assert "Removed a practitioner" in timeline
    assert f"ractitioner {made.id}" not in timeline
    assert "contribution:" not in timeline
    assert "Deadline set:" in timeline


def test_advance_copy_recipients_are_named_as_written() -> None:
    from web.pages.data_questions import spec_for

    assert spec_for("advance_copies.dfe", True, False).label == (
        "Date the final report went to DfE"
    )
    assert "Ofsted" in spec_for("advance_copies.ofsted", True, False).label


def test_every_question_of_the_shipped_review_types_has_words_a_person_reads() -> None:
    """No form of a shipped review type asks with its key's words ("Lcspr decided at", "Jar
    summary", "Facts gathered: confirmed"): each data key the definitions read is known by a
    question's label, a date's or a confirmation's words, its criteria or its choices."""
    from tests.conftest import DEFINITIONS
    from web.pages.data_questions import KNOWN, _label
    from web.pages.datagroups import layout
    from workflow.core.definition import load
    from workflow.services.catalog import definition_files

    asked = {s.path for g in KNOWN for s in g.fields}
    raw = []
    for path in definition_files(DEFINITIONS):
        d = load(path.read_text(encoding="utf-8"))
        for group in layout(d).groups:
            for spec in group.fields:
                fallback = _label(spec.path)
                if spec.path not in asked and spec.label in (fallback, f"{fallback}: confirmed"):
                    raw.append(f"{d.key}: {spec.path} asked as '{spec.label}'")
    # The advance copies are worded from their recipient ("Date the final report went to DfE").
    assert [r for r in raw if ": advance_copies." not in r and "date_of_death" not in r] == []
