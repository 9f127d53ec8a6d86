"""The pages, driven like a browser with Flask's test client: forms are read from the HTML
and posted back with their CSRF tokens (CSRF protection stays on in every test)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash

from tests.conftest import DEFINITIONS, Clock
from web.app import create_app
from workflow.core.roles import Actor
from workflow.services import accounts, records
from workflow.services.cases import Service
from workflow.settings import Settings
from workflow.store.models.cases import Case
from workflow.store.models.time import Escalation
from workflow.store.unit import unit_of_work

PASSWORD = "correct horse battery staple"
PEOPLE = {
    "rita": ("reviewer", ()),
    "carl": ("chair", ()),
    "Lena Lead": ("lead_reviewer", ()),
    "pat": ("agency", ("Police",)),
    "hana": ("agency", ("Health",)),
    "ada": ("admin", ()),
}


# -- reading pages like a browser -----------------------------------------------------------


class _Forms(HTMLParser):
    """Every form on a page: its action and the values a browser would send."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._textarea: list[str] | None = None
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "id": a.get("id", ""), "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value", "on")))
            elif kind != "submit":
                self._form["fields"].append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "value": None, "first": None}
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = a.get("value", "")
            if "selected" in a:
                self._select["value"] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form["fields"].append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            s = self._select
            self._form["fields"].append(
                (s["name"], s["value"] if s["value"] is not None else s["first"])
            )
            self._select = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def find_form(html: str, match: str) -> dict[str, Any]:
    for form in forms_of(html):
        if form["id"] == match or form["action"].endswith(match):
            return form
    raise AssertionError(f"no form {match!r} on the page")


def submit(
    client: FlaskClient,
    html: str,
    match: str,
    values: Mapping[str, Any] | None = None,
    url: str = "",
    drop: tuple[str, ...] = (),
) -> Any:
    """Post the form ``match`` (its id, or the end of its action) with ``values`` changed."""
    form = find_form(html, match)
    values = dict(values or {})
    data: MultiDict[str, str] = MultiDict()
    for name, value in form["fields"]:
        if name in values or name in drop:
            continue
        data.add(name, value)
    for name, value in values.items():
        for v in value if isinstance(value, list | tuple) else [value]:
            if v is not None:
                data.add(name, v)
    return client.post(form["action"] or url, data=data)


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())


def state_of(html: str) -> str:
    found = re.search(r'data-testid="state">([^<]*)<', html)
    assert found, "no state on the page"
    return found.group(1)


def field_error(html: str, field_id: str) -> str:
    """The error message shown beside a field (GOV.UK: the element ``<id>-error``)."""
    found = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', html, flags=re.S)
    assert found, f"no error beside {field_id}"
    return text_of(found.group(1)).removeprefix("Error: ")


def when(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key="test-secret-key-for-the-pages-0123456789",
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path,
        web={"max_failed_logins": 3},
        # The clock jumps days between a test's requests; the sessions' own time limits are
        # tested in test_accounts_sessions.py.
        accounts={"session_idle_minutes": 10_000_000, "session_max_hours": 1_000_000},
    )


# Hashed once, cheaply: the product's own hashing is slow on purpose.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture
def people(service: Service) -> dict[str, Actor]:
    with service.store.write() as u:
        for name, (role, agencies) in PEOPLE.items():
            new = accounts.NewUser(name=name, role=role, agencies=agencies)
            user = accounts.add_user(u, new, service.now())
            user.password_hash = FAST_HASH
    return {name: Actor(name, role, agencies) for name, (role, agencies) in PEOPLE.items()}


@pytest.fixture
def app(settings: Settings, service: Service, people: dict[str, Actor]) -> Any:
    app = create_app(settings, service=service)
    app.config.update(TESTING=True)
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    return app


@pytest.fixture
def client(app: Any) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


def sign_in(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get("/sign-in")
    return submit(
        client,
        page.get_data(as_text=True),
        "sign-in-form",
        {"name": name, "password": password},
        "/sign-in",
    )


def as_user(app: Any, name: str) -> FlaskClient:
    c: FlaskClient = app.test_client()
    response = sign_in(c, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return c


def open_incident(
    service: Service, who: Actor, aware: date, agencies: list[str], title: str = "Child A"
) -> dict[str, Any]:
    return service.open_case(
        who, "notifiable_incident", title, {"aware_at": aware.isoformat(), "agencies": agencies}
    )


CRITERIA_MET = dict.fromkeys(("abuse_or_neglect", "seriously_harmed"), True) | dict.fromkeys(
    ("child_died", "looked_after_child", "regulated_setting"), False
)


def count(service: Service) -> int:
    return service.count_cases()


# -- signing in and out ---------------------------------------------------------------------


def test_pages_ask_for_sign_in_and_sign_in_leads_to_the_dashboard(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    deep = client.get("/cases?review_type=serious_case_review")
    assert deep.headers["Location"] == "/sign-in?next=/cases?review_type%3Dserious_case_review"
    response = sign_in(client, "rita")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Your dashboard" in page
    assert "Signed in as" in text_of(page) and "rita" in page


def test_sign_in_returns_to_the_page_asked_for_but_never_off_the_site(client: FlaskClient) -> None:
    page = client.get("/sign-in?next=/cases").get_data(as_text=True)
    response = submit(
        client, page, "sign-in-form", {"name": "rita", "password": PASSWORD}, "/sign-in?next=/cases"
    )
    assert response.headers["Location"] == "/cases"
    client.post("/sign-out", data={"csrf_token": _token(client.get("/").get_data(as_text=True))})
    page = client.get("/sign-in").get_data(as_text=True)
    response = submit(
        client,
        page,
        "sign-in-form",
        {"name": "rita", "password": PASSWORD},
        "/sign-in?next=//evil.example/",
    )
    assert response.headers["Location"] == "/"


def _token(html: str) -> str:
    found = re.search(r'name="[^"]*csrf_token" type="hidden" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_wrong_password_is_refused_with_a_message_beside_the_name(client: FlaskClient) -> None:
    response = sign_in(client, "rita", "not the password")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "The name or password is not right" in page
    assert 'href="#name"' in page  # the error summary links to the field
    assert client.get("/").status_code == 302


def test_sign_in_form_without_a_name_says_what_to_do(client: FlaskClient) -> None:
    response = sign_in(client, "", "")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "name") == "Enter your name"
    assert field_error(page, "password") == "Enter your password"


def test_repeated_failed_sign_ins_lock_the_name_for_fifteen_minutes(
    client: FlaskClient, clock: Clock
) -> None:
    for _ in range(3):
        assert sign_in(client, "rita", "guess").status_code == 401
    refused = sign_in(client, "rita")  # even the right password, while locked
    assert refused.status_code == 429
    assert "too many failed attempts" in refused.get_data(as_text=True)
    assert sign_in(client, "carl").status_code == 302  # other names are not affected
    client.post("/sign-out", data={"csrf_token": _token(client.get("/").get_data(as_text=True))})
    clock.advance(minutes=15)
    assert sign_in(client, "rita").status_code == 302


def test_unknown_names_are_counted_and_answered_like_known_ones(client: FlaskClient) -> None:
    for _ in range(3):
        response = sign_in(client, "nobody", "guess")
        assert response.status_code == 401
        assert "The name or password is not right" in response.get_data(as_text=True)
    assert sign_in(client, "nobody", "guess").status_code == 429


def test_sign_out_is_a_post_with_its_token(client: FlaskClient) -> None:
    sign_in(client, "rita")
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out", data={}).status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    page = client.get("/").get_data(as_text=True)
    response = submit(client, page, "/sign-out")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_changed_password_ends_existing_sessions(client: FlaskClient, service: Service) -> None:
    sign_in(client, "rita")
    assert client.get("/").status_code == 200
    with service.store.write() as u:
        user = accounts.user_named(u, "rita")
        user.password_hash = generate_password_hash("a brand new password", "pbkdf2:sha256:1000")
    assert client.get("/").status_code == 302


# -- CSRF --------------------------------------------------------------------------------------


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 27), ["Police"])
    c = as_user(app, "rita")
    page = c.get(f"/cases/{case.id}/record/decision").get_data(as_text=True)
    response = submit(
        c, page, "record-form", {"decision_rationale": "Because."}, drop=("csrf_token",)
    )
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert service.get_case(people["rita"], case.id).version == case.version
    # a forged token is refused too
    response = submit(
        c, page, "record-form", {"decision_rationale": "Because.", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    # each step's form carries it as well
    service.update_data(people["rita"], case.id, {"criteria": CRITERIA_MET}, case.version)
    case_page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    form = find_form(case_page, "/steps/notify")
    assert any(name.endswith("csrf_token") and value for name, value in form["fields"])
    response = submit(c, case_page, "/steps/notify", drop=("step-notify-csrf_token",))
    assert response.status_code == 400
    before = count(service)
    new_page = c.get("/cases/new/notifiable_incident").get_data(as_text=True)
    response = submit(
        c,
        new_page,
        "open-form",
        {"title": "Child B", "data__aware_at": when(date(2026, 11, 27))},
        drop=("csrf_token",),
    )
    assert response.status_code == 400
    assert count(service) == before


def test_sign_in_without_a_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/sign-in", data={"name": "rita", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


# -- opening a case ---------------------------------------------------------------------------


def test_open_a_notifiable_incident_from_its_form(app: Any, service: Service) -> None:
    c = as_user(app, "rita")
    choose = c.get("/cases/new").get_data(as_text=True)
    assert 'href="/cases/new/notifiable_incident"' in choose
    page = c.get("/cases/new/notifiable_incident").get_data(as_text=True)
    assert 'for="data__aware_at-day"' in page  # a labelled GOV.UK date input
    response = submit(
        c,
        page,
        "open-form",
        {
            "title": "Child A",
            "data__aware_at": when(date(2026, 11, 26)),
            "data__agencies": "Police\nHealth\npolice",
        },
    )
    assert response.status_code == 302
    case_page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "Opened notifiable incident" in case_page
    assert state_of(case_page) == "Referral"
    assert "Notify Ofsted and the board" in case_page
    assert "3 December 2026" in case_page  # 5 working days after 26 November
    assert "3 working days left" in case_page
    with Session(service.db) as s:
        stored = s.exec(select(Case)).one()
    assert stored.data == {"aware_at": "2026-11-26", "agencies": ["Police", "Health"]}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"title": "", "data__aware_at": ["26", "11", "2026"]},
            "title",
            "Enter a title for the case",
        ),
        (
            {"title": "Child A", "data__aware_at": ["", "", ""]},
            "data__aware_at",
            "Enter the date the local authority became aware",
        ),
        (
            {"title": "Child A", "data__aware_at": ["31", "2", "2026"]},
            "data__aware_at",
            "must be a real date",
        ),
        (
            {"title": "Child A", "data__aware_at": ["3", "", "2026"]},
            "data__aware_at",
            "must include a month",
        ),
        (
            {"title": "Child A", "data__aware_at": ["1", "12", "2026"]},
            "data__aware_at",
            "which is in the future",
        ),
        (
            {"title": "x" * 301, "data__aware_at": ["26", "11", "2026"]},
            "title",
            "300 characters or fewer",
        ),
    ],
)
def test_opening_rejects_bad_input_beside_the_field_and_stores_nothing(
    app: Any, service: Service, values: dict[str, Any], field: str, message: str
) -> None:
    c = as_user(app, "rita")
    page = c.get("/cases/new/notifiable_incident").get_data(as_text=True)
    response = submit(c, page, "open-form", values)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert "There is a problem" in html and f'href="#{field}' in html
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: " in html
    assert count(service) == 0


def test_a_role_that_cannot_open_cases_is_refused(app: Any, service: Service) -> None:
    c = as_user(app, "pat")
    assert "cannot open cases" in c.get("/cases/new").get_data(as_text=True)
    assert c.get("/cases/new/notifiable_incident").status_code == 403
    assert c.get("/cases/new/no_such_type").status_code == 404


# -- agency scoping -----------------------------------------------------------------------


def test_agency_users_see_only_their_agencies_cases(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    police = open_incident(service, people["rita"], date(2026, 11, 27), ["Police"], "Police case")
    health = open_incident(service, people["rita"], date(2026, 11, 27), ["Health"], "Health case")
    c = as_user(app, "pat")
    assert c.get(f"/cases/{police.id}").status_code == 200
    for url in (
        f"/cases/{health.id}",
        f"/cases/{health.id}/record/agencies",
        f"/cases/new/notifiable_incident?from={health.id}",
        f"/cases/find?reference={health.reference}",
        f"/cases/{health.id + 1000}",
    ):
        response = c.get(url)
        assert response.status_code in (404, 403), url
        assert "Health case" not in response.get_data(as_text=True)
    assert c.get(f"/cases/{health.id}").status_code == 404
    token = _token(c.get(f"/cases/{police.id}").get_data(as_text=True))
    response = c.post(
        f"/cases/{health.id}/steps/notify",
        data={"step-notify-csrf_token": token, "step-notify-expected_version": "1"},
    )
    assert response.status_code == 404
    listing = text_of(c.get("/cases").get_data(as_text=True))
    dash = text_of(c.get("/").get_data(as_text=True))
    assert "Police case" in listing and "Health case" not in listing
    assert "Police case" in dash and "Health case" not in dash  # its deadline, not the other's
    # reading is allowed, changing is not
    assert c.get(f"/cases/{police.id}/record/agencies").status_code == 403
    assert (
        "Change"
        not in text_of(c.get(f"/cases/{police.id}").get_data(as_text=True))
        .split("Case details")[1]
        .split("Linked cases")[0]
    )


# -- the case page ------------------------------------------------------------------------


def test_a_blocked_step_says_why_and_links_to_the_form_that_fixes_it(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    c = as_user(app, "rita")
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    block = page.split('id="step-notify"')[1].split('class="app-step')[0]
    assert "disabled" in block
    assert "You cannot do this yet" in block
    assert "is abuse or neglect known or suspected?" in block
    assert f'href="/cases/{case.id}/record/criteria"' in block
    # posting it anyway (say, from an old page) is refused with the same reasons
    response = (
        submit(c, page, "/steps/notify")
        if "/steps/notify" in page
        else c.post(
            f"/cases/{case.id}/steps/notify",
            data={
                "step-notify-csrf_token": _token(page),
                "step-notify-expected_version": str(case.version),
            },
        )
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "You cannot record notification to Ofsted and the board yet" in html
    assert "is abuse or neglect known or suspected?" in html
    assert state_of(html) == "Referral"


def test_record_criteria_then_notify_then_see_the_timeline(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    c = as_user(app, "rita")
    record = c.get(f"/cases/{case.id}/record/criteria").get_data(as_text=True)
    assert "Is abuse or neglect known or suspected?" in record
    response = submit(
        c,
        record,
        "record-form",
        {
            "criteria__abuse_or_neglect": "yes",
            "criteria__child_died": "no",
            "criteria__seriously_harmed": "yes",
            "criteria__looked_after_child": "no",
            "criteria__regulated_setting": "no",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#group-criteria")
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Saved: Criteria." in page
    notify = find_form(page, "/steps/notify")
    assert notify  # allowed now: a real button in a form
    response = submit(
        c, page, "/steps/notify", {"step-notify-note": "Sent to Ofsted by secure email."}
    )
    assert response.status_code == 302
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert state_of(page) == "Notified"
    timeline = text_of(page.split('data-testid="timeline"')[1])
    assert "Record notification to Ofsted and the board: from Referral to Notified" in timeline
    assert "Sent to Ofsted by secure email." in timeline
    assert "Deadline met: Notify Ofsted and the board" in timeline
    assert "by rita (reviewer)" in timeline
    stored = service.get_case(people["rita"], case.id)
    assert stored.data["criteria"] == {
        "abuse_or_neglect": True,
        "child_died": False,
        "seriously_harmed": True,
        "looked_after_child": False,
        "regulated_setting": False,
    }
    assert stored.data["notified_at"] == "2026-11-30"


def test_a_step_records_the_date_given_instead_of_today(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    service.update_data(people["rita"], case.id, {"criteria": CRITERIA_MET}, case.version)
    c = as_user(app, "rita")
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    bad = submit(c, page, "/steps/notify", {"step-notify-notified_at": ["1", "12", "2026"]})
    assert bad.status_code == 422  # in the future
    assert "in the future" in bad.get_data(as_text=True)
    ok = submit(c, page, "/steps/notify", {"step-notify-notified_at": when(date(2026, 11, 27))})
    assert ok.status_code == 302
    assert service.get_case(people["rita"], case.id).data["notified_at"] == "2026-11-27"


@pytest.mark.parametrize(
    ("group", "values", "field", "message"),
    [
        ("dates", {"aware_at": ["30", "2", "2026"]}, "aware_at", "must be a real date"),
        ("dates", {"aware_at": ["1", "1", "2027"]}, "aware_at", "in the future"),
        ("dates", {"notified_at": ["1", "11", "2026"]}, "notified_at", "cannot be before"),
    ],
)
def test_recording_rejects_bad_input_beside_the_field_and_stores_nothing(
    app: Any,
    service: Service,
    people: dict[str, Actor],
    group: str,
    values: dict[str, Any],
    field: str,
    message: str,
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    c = as_user(app, "rita")
    page = c.get(f"/cases/{case.id}/record/{group}").get_data(as_text=True)
    response = submit(c, page, "record-form", values)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert f'href="#{field}-day"' in html
    assert service.get_case(people["rita"], case.id).version == case.version


def test_a_bad_web_address_is_refused(app: Any, service: Service, people: dict[str, Actor]) -> None:
    case = service.open_case(people["carl"], "serious_case_review", "Child C", {})
    c = as_user(app, "carl")
    page = c.get(f"/cases/{case.id}/record/publication").get_data(as_text=True)
    response = submit(
        c,
        page,
        "record-form",
        {"publication_url": "not a web address", "board_response": "Accepted."},
    )
    assert response.status_code == 400
    assert "in the right format" in field_error(response.get_data(as_text=True), "publication_url")
    assert service.get_case(people["carl"], case.id).data == {}


def test_a_conflicting_edit_shows_the_current_values_and_never_overwrites_silently(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    c = as_user(app, "rita")
    page = c.get(f"/cases/{case.id}/record/decision").get_data(as_text=True)
    # meanwhile the chair records a rationale on another page
    chair = as_user(app, "carl")
    other = chair.get(f"/cases/{case.id}/record/decision").get_data(as_text=True)
    assert (
        submit(chair, other, "record-form", {"decision_rationale": "The chair's view."}).status_code
        == 302
    )
    response = submit(c, page, "record-form", {"decision_rationale": "Rita's view."})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this case" in html
    conflict = text_of(html.split('data-testid="conflict"')[1].split("</div>")[0])
    assert "The chair's view." in conflict and "by carl" in conflict
    assert "Rita&#39;s view." in html or "Rita's view." in html  # her text is kept in the form
    assert (
        service.get_case(people["rita"], case.id).data["decision_rationale"] == "The chair's view."
    )
    # saving again, having seen the other change, replaces it on purpose
    again = submit(c, html, "record-form")
    assert again.status_code == 302
    assert service.get_case(people["rita"], case.id).data["decision_rationale"] == "Rita's view."


def test_a_step_on_a_stale_page_is_refused_and_the_page_shows_the_case_as_it_is(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    case = service.update_data(people["rita"], case.id, {"criteria": CRITERIA_MET}, case.version)
    c = as_user(app, "rita")
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    service.update_data(people["carl"], case.id, {"agencies": ["Police", "Health"]}, case.version)
    response = submit(c, page, "/steps/notify")
    assert response.status_code == 409
    assert "Someone else changed this case" in response.get_data(as_text=True)
    assert service.get_case(people["rita"], case.id).state == "referral"


def test_the_case_page_shows_stages_diagram_and_linked_cases(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    c = as_user(app, "rita")
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    stages = page.split('data-testid="stages">')[1].split("</ol>")[0]
    assert 'aria-current="step"' in stages and "Current stage" in stages
    assert text_of(stages).startswith("Referral")
    diagram = page.split('data-testid="diagram" hidden>')[1].split("</pre>")[0]
    assert "stateDiagram-v2" in diagram
    assert "class referral s_active" in diagram
    assert (
        "state &#34;Referral&#34; as referral" in diagram
        or 'state "Referral" as referral' in diagram
    )
    assert "/static/mermaid/mermaid.min.js" in page
    assert "https://" not in page.split("<body")[0]  # nothing from a CDN
    # open a review from the incident: prefilled, and linked when the service records links
    choose = c.get(f"/cases/new?from={case.id}").get_data(as_text=True)
    assert f"/cases/new/serious_case_review?from={case.id}" in choose
    form = c.get(f"/cases/new/serious_case_review?from={case.id}").get_data(as_text=True)
    assert 'value="Child A"' in form
    response = submit(c, form, "open-form")
    assert response.status_code == 302
    review = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "Serious case review" in review
    review_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert service.get_case(people["rita"], review_id).data["agencies"] == ["Police"]
    with Session(service.db) as s:
        linked = s.get(Case, review_id)
        assert linked is not None
        link = linked.linked_case_id
    if link is not None:  # the service records links
        assert link == case["id"]
        assert f'href="/cases/{case["id"]}"' in review and "Opened from" in review
        incident = c.get(f"/cases/{case['id']}").get_data(as_text=True)
        assert f'href="/cases/{review_id}"' in incident and "Led to" in incident


def test_pages_send_security_headers_and_assets_are_served_locally(
    app: Any, service: Service
) -> None:
    c = as_user(app, "rita")
    response = c.get("/")
    assert "script-src 'self' 'nonce-" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce and f'nonce="{nonce.group(1)}"' in response.get_data(as_text=True)
    for url in (
        "/static/govuk-frontend/govuk-frontend.min.css",
        "/static/govuk-frontend/govuk-frontend.min.js",
        "/static/govuk-frontend/LICENSE",
        "/assets/fonts/bold-b542beb274-v2.woff2",
        "/assets/images/govuk-crest.svg",
        "/static/mermaid/mermaid.min.js",
        "/static/mermaid/LICENSE",
        "/static/app/app.css",
        "/static/app/init.mjs",
        "/static/app/diagram.js",
    ):
        r = c.get(url)
        assert r.status_code == 200, url
        r.close()


# -- the parent blueprint: one set of rules for every page ------------------------------------

CHILD_PAGES = ("/", "/cases", "/cases/new", "/admin/", "/reports/annual", "/learning/themes")


def test_every_page_hangs_under_the_one_parent_and_keeps_its_rules(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith(("/api/", "/static/", "/assets/"))
    }
    assert endpoints and all(e.startswith("pages.") for e in endpoints), sorted(endpoints)
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    urls = (*CHILD_PAGES, f"/cases/{case.id}", f"/cases/{case.id}/records/findings")
    anonymous = app.test_client()
    for url in urls:
        asked = anonymous.get(url)
        assert asked.status_code == 302, url
        assert asked.headers["Location"].startswith("/sign-in"), url
        assert asked.headers["Cache-Control"] == "no-store", url
    signed_in = {"ada": as_user(app, "ada"), "pat": as_user(app, "pat")}
    for url in CHILD_PAGES:
        for name, client in signed_in.items():
            response = client.get(url)
            assert response.status_code in (200, 403), (name, url, response.status_code)
            assert response.headers["X-Frame-Options"] == "DENY", (name, url)
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
            assert response.content_type.startswith("text/html"), (name, url)
    refused = signed_in["pat"].get("/admin/")
    assert refused.status_code == 403 and "You cannot do that" in text_of(
        refused.get_data(as_text=True)
    )
    tokenless = signed_in["ada"].post("/admin/review-types/learning_review", data={"check": "1"})
    assert tokenless.status_code == 400
    assert "The form could not be sent" in tokenless.get_data(as_text=True)


def test_an_upload_may_be_larger_than_other_forms(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    made = _review_with_plan(service, people)
    cid, chronology = made["id"], made["police_chronology"]["id"]
    app.config["MAX_CONTENT_LENGTH"] = 4096  # the body limit of every other form
    pat = Browser(app, "pat")
    contributions = pat.get(f"/cases/{cid}/records/contributions")
    fields = dict(find_form(contributions, f"upload-{chronology}")["fields"])
    big = b"x" * 20_000
    too_big = pat.client.post(
        f"/cases/{cid}/records/actions/{made['police_action']['id']}",
        data={**fields, "completion_evidence": big.decode()},
    )
    assert too_big.status_code == 413
    sent = pat.client.post(
        f"/cases/{cid}/records/contributions/{chronology}/documents",
        data={**fields, "file": (io.BytesIO(big), "chrono.txt", "text/plain")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]


def test_unknown_group_or_case_is_a_page_not_found(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    c = as_user(app, "rita")
    response = c.get(f"/cases/{case.id}/record/no_such_group")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert (
        c.get(f"/cases/find?reference={case.reference.lower()}").headers["Location"]
        == f"/cases/{case.id}"
    )
    assert c.get("/cases/find?reference=NI-1999-000000").status_code == 404


# -- the dashboard ------------------------------------------------------------------------


def test_dashboard_lists_deadlines_with_working_days_left_and_overdue(
    app: Any, service: Service, people: dict[str, Actor], clock: Clock
) -> None:
    soon = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"], "Due soon")
    late = open_incident(service, people["rita"], date(2026, 11, 16), ["Health"], "Overdue one")
    later = open_incident(service, people["rita"], date(2026, 11, 30), ["Police"], "Due later")
    c = as_user(app, "rita")
    page = c.get("/").get_data(as_text=True)
    deadlines = text_of(page.split('data-testid="deadlines"')[1].split("</table>")[0])
    assert deadlines.index("Overdue one") < deadlines.index("Due soon")  # most urgent first
    assert "Overdue by 5 working days" in deadlines  # due 23 Nov, today 30 Nov
    assert "3 working days left" in deadlines  # due 3 Dec
    assert "Due later" in deadlines  # due 7 Dec: the 5th working day ahead
    assert "5 working days left" in deadlines
    action = text_of(page.split('data-testid="needing-action"')[1].split("</table>")[0])
    for case in (soon, late, later):
        assert case.reference in action
    assert "Record notification to Ofsted and the board" in action
    # filters
    filtered = c.get("/?review_type=notifiable_incident&state=referral&agency=health").get_data(
        as_text=True
    )
    assert "Overdue one" in filtered and "Due soon" not in filtered
    other = c.get("/?review_type=serious_case_review").get_data(as_text=True)
    assert "Overdue one" not in other
    # a chair has no step in referral... but notify is open to chairs too; an admin has none
    admin = as_user(app, "ada").get("/").get_data(as_text=True)
    assert "No case is waiting for a step you can take" in admin


def test_dashboard_pages_cases_with_keyset_links(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    refs = [
        open_incident(
            service, people["rita"], date(2026, 11, 26), ["Police"], f"Case {i}"
        ).reference
        for i in range(23)
    ]
    c = as_user(app, "rita")
    page = c.get("/").get_data(as_text=True)
    first = page.split('data-testid="needing-action"')[1].split("</table>")[0]
    assert sum(ref in first for ref in refs) == 20
    link = re.search(r'href="(/\?cases_after=\d+#cases)"', page)
    assert link
    second = c.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    rest = second.split('data-testid="needing-action"')[1].split("</table>")[0]
    assert sum(ref in rest for ref in refs) == 3
    assert not set(re.findall(r"NI-\d{4}-[0-9A-F]{6}", first)) & set(
        re.findall(r"NI-\d{4}-[0-9A-F]{6}", rest)
    )


@pytest.mark.parametrize("query", ["", "review_type=notifiable_incident&agency=police"])
def test_dashboard_pages_deadlines_soonest_first(
    app: Any, service: Service, people: dict[str, Actor], query: str
) -> None:
    # 23 deadlines: due 23 November (overdue) to 3 December, a few on each day.
    days = [date(2026, 11, 16) + timedelta(days=i % 10) for i in range(23)]
    refs = {
        open_incident(service, people["rita"], day, ["Police"], f"Case {i}").reference: day
        for i, day in enumerate(days)
    }
    c = as_user(app, "rita")
    seen: list[str] = []
    url = f"/?{query}"
    for _ in range(3):
        page = c.get(url).get_data(as_text=True)
        table = page.split('data-testid="deadlines"')[1].split("</table>")[0]
        seen += re.findall(r"NI-\d{4}-[0-9A-F]{6}", table)
        link = re.search(r'href="(/\?[^"]*deadlines_after=[^"#]+)#deadlines"', page)
        if link is None:
            break
        url = link.group(1).replace("&amp;", "&")
    assert sorted(seen) == sorted(refs)  # each once, across two pages
    due = [service.calendar.add_working_days(refs[r], 5) for r in seen]
    assert due == sorted(due)  # soonest (most overdue) first


def test_dashboard_shows_open_escalations_for_the_role(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"], "Escalated case")
    with unit_of_work(service.db) as s:
        s.add(
            Escalation(
                case_id=case.id,
                deadline_name="notification",
                reason="Notify Ofsted and the board was due by 3 December 2026.",
                to_roles=["chair"],
                raised_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
            )
        )
        s.add(
            Escalation(
                case_id=case.id,
                deadline_name="stall",
                reason="Already dealt with.",
                to_roles=["chair"],
                raised_at=datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
                acknowledged_by="carl",
                acknowledged_at=datetime(2026, 11, 29, 10, 0, tzinfo=UTC),
            )
        )
    carl = as_user(app, "carl")
    page = carl.get("/").get_data(as_text=True)
    chair = text_of(page)
    assert "was due by 3 December 2026" in chair and "Already dealt with" not in chair
    with Session(service.db) as s:
        open_one = s.exec(
            select(Escalation).where(Escalation.deadline_name == "notification")
        ).one()
    # a reviewer cannot acknowledge what was sent to the chair
    rita = as_user(app, "rita")
    token = _token(rita.get("/").get_data(as_text=True))
    refused = rita.post(f"/escalations/{open_one.id}/acknowledge", data={"csrf_token": token})
    assert refused.status_code == 403
    assert carl.post(f"/escalations/{open_one.id}/acknowledge").status_code == 400  # no token
    response = submit(carl, page, f"/escalations/{open_one.id}/acknowledge")
    assert response.status_code == 302
    page = carl.get("/").get_data(as_text=True)
    assert "Acknowledged the escalation on" in page
    assert "was due by 3 December 2026" not in text_of(page)
    timeline = (
        carl.get(f"/cases/{case.id}").get_data(as_text=True).split('data-testid="timeline"')[1]
    )
    assert "Escalation acknowledged" in text_of(timeline) and "by carl (chair)" in text_of(timeline)
    reviewer = text_of(as_user(app, "rita").get("/").get_data(as_text=True))
    assert "was due by 3 December 2026" not in reviewer
    assert "No open escalations for your role" in reviewer
    hana = text_of(as_user(app, "hana").get("/").get_data(as_text=True))
    assert "Escalated case" not in hana


# -- a serious case review from referral to its last stage, through the pages only ----------


def records_without_pages(app: Any, service: Service, key: str) -> bool:
    """Whether review type ``key`` reads records (other than through data) that have no page
    registered with the case page."""
    from web.pages.datagroups import DATA_FOR_RECORDS, record_kinds

    d = service.definition(key)
    pages = app.extensions.get("workflow.pages.record_pages", {})
    kinds = {k for t in d.transitions for k in record_kinds(t.guards)} - set(DATA_FOR_RECORDS)
    return bool(kinds - set(pages))


class Browser:
    """One signed-in person moving through the pages by their links and forms."""

    def __init__(self, app: Any, name: str) -> None:
        self.client = as_user(app, name)
        self.name = name

    def get(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def follow(self, html: str, link_text: str) -> str:
        for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, flags=re.S):
            if text_of(text).startswith(link_text):
                return self.get(href.replace("&amp;", "&"))
        raise AssertionError(f"no link {link_text!r}")

    def record(self, case_id: int, group: str, values: dict[str, Any], then: str = "") -> str:
        page = self.get(f"/cases/{case_id}")
        assert f'href="/cases/{case_id}/record/{group}"' in page, f"no link to record {group}"
        form = self.get(f"/cases/{case_id}/record/{group}")
        if then:
            values = {**values, "then": then}
        response = submit(self.client, form, "record-form", values)
        assert response.status_code == 302, text_of(response.get_data(as_text=True))[:2000]
        return self.get(response.headers["Location"].split("#")[0])

    def add_record(
        self, case_id: int, kind: str, values: dict[str, Any], then: str = ""
    ) -> tuple[int, str]:
        """Add a record on the page of its kind (reached from the case page); its id and the
        page shown after."""
        page = self.get(f"/cases/{case_id}")
        assert f'href="/cases/{case_id}/records/{kind}"' in page, f"no link to {kind}"
        form = self.get(f"/cases/{case_id}/records/{kind}")
        if then:
            values = {**values, "then": then}
        response = submit(self.client, form, "record-form", values)
        assert response.status_code == 302, text_of(response.get_data(as_text=True))[:2000]
        location = response.headers["Location"]
        record_id = int(location.rsplit("#record-", 1)[1]) if "#record-" in location else 0
        return record_id, self.get(location.split("#")[0])

    def change_record(self, case_id: int, kind: str, record_id: int, values: dict[str, Any]) -> str:
        form = self.get(f"/cases/{case_id}/records/{kind}/{record_id}")
        response = submit(self.client, form, "record-form", values)
        assert response.status_code == 302, text_of(response.get_data(as_text=True))[:2000]
        return self.get(response.headers["Location"].split("#")[0])

    def step(self, case_id: int, trigger: str, values: dict[str, Any] | None = None) -> str:
        page = self.get(f"/cases/{case_id}")
        response = submit(self.client, page, f"/steps/{trigger}", values or {})
        assert response.status_code == 302, text_of(response.get_data(as_text=True))[:3000]
        return self.get(response.headers["Location"])

    def blocked(self, case_id: int, trigger: str) -> str:
        page = self.get(f"/cases/{case_id}")
        block = page.split(f'id="step-{trigger}"')[1].split('class="app-step')[0]
        assert "disabled" in block, f"{trigger} is not blocked"
        return text_of(block)


def test_a_serious_case_review_from_referral_to_its_last_stage_through_the_pages(
    app: Any, service: Service, clock: Clock
) -> None:
    rita, carl, lena = Browser(app, "rita"), Browser(app, "carl"), Browser(app, "Lena Lead")

    # The reviewer opens the review from the form for its type.
    page = rita.follow(rita.get("/cases/new"), "Open a serious case review")
    response = submit(
        rita.client,
        page,
        "open-form",
        {"title": "Child D", "data__agencies": "Northshire Police\nNorthshire NHS Trust"},
    )
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = rita.get(f"/cases/{case_id}")
    assert state_of(page) == "Referral"
    assert "There is no step for a reviewer at this stage" in page

    # The chair answers the criteria, records the rationale and decides.
    assert "Record the decision and rationale" in carl.blocked(case_id, "decide_scr")
    carl.record(
        case_id,
        "criteria",
        {
            "criteria__abuse_or_neglect": "yes",
            "criteria__child_died": "yes",
            "criteria__seriously_harmed": "no",
            "criteria__concern_about_working_together": "yes",
            "criteria__died_in_custody": "no",
        },
    )
    carl.record(
        case_id,
        "decision",
        {
            "decision_rationale": "Regulation 5 criteria met: the child died and neglect is "
            "suspected."
        },
    )
    assert "The answers meet the serious case review criteria" in carl.blocked(case_id, "decline")
    page = carl.step(case_id, "decide_scr")
    assert state_of(page) == "Scoping"
    assert "Complete the serious case review" in page and "30 May 2027" in page  # 6 months

    # Scoping and a lead reviewer who is not independent: refused, saying why.
    rita.record(
        case_id,
        "scoping",
        {
            "scoping__scale": "Full review",
            "scoping__method": "Systems approach with a practitioner event.",
        },
    )
    form = rita.get(f"/cases/{case_id}/record/lead_reviewer")
    response = submit(
        rita.client,
        form,
        "record-form",
        {"lead_reviewer__name": "Lena Lead", "lead_reviewer__organisations": "Northshire Police"},
    )
    if response.status_code == 400:  # refused when saved, beside the form
        why = text_of(response.get_data(as_text=True))
    else:  # or saved, and the step refuses it
        assert response.status_code == 302
        why = rita.blocked(case_id, "appoint_lead")
    assert "not independent of the case: they belong to Northshire Police" in why
    rita.record(
        case_id,
        "lead_reviewer",
        {
            "lead_reviewer__name": "Lena Lead",
            "lead_reviewer__organisations": "Independent Reviews Ltd",
        },
    )
    page = rita.step(
        case_id, "appoint_lead", {"step-appoint_lead-note": "Appointed at the board meeting."}
    )
    assert state_of(page) == "Lead reviewer appointed"

    # The lead reviewer now sees the case and takes it on.
    assert f"/cases/{case_id}" in lena.get("/")
    # The national panel is told the review started and who leads it.
    blocked = lena.blocked(case_id, "start_involvement")
    assert "Date the national panel was told the review started" in blocked
    assert "Who the national panel was told leads the review" in blocked
    rita.record(case_id, "dates", {"panel_told_of_review_at": ["30", "11", "2026"]})
    rita.record(case_id, "other", {"panel_told_of_lead": "Lena Lead"})
    page = lena.step(case_id, "start_involvement")
    assert state_of(page) == "Involving practitioners and family"
    assert "Invite the practitioners of Northshire Police" in lena.blocked(
        case_id, "begin_findings"
    )
    assert not records_without_pages(app, service, "serious_case_review")
    # The blocked step links to the pages where the records it needs are made.
    assert f'href="/cases/{case_id}/records/practitioners"' in lena.get(f"/cases/{case_id}")
    for agency in ("Northshire Police", "Northshire NHS Trust"):
        lena.add_record(
            case_id,
            "practitioners",
            {
                "agency": agency,
                "role_title": "Team manager",
                "invited_on": when(date(2026, 11, 20)),
            },
        )
    assert "Invite the family, including surviving children" in lena.blocked(
        case_id, "begin_findings"
    )
    lena.add_record(
        case_id,
        "family-members",
        {"relationship": "parents", "not_involved_reason": "The family asked not to take part."},
    )
    page = lena.step(case_id, "begin_findings")
    assert state_of(page) == "Findings"

    # A chronology asked of the police: findings wait until it is in.
    chronology, _ = rita.add_record(
        case_id,
        "contributions",
        {"agency": "Northshire Police", "kind": "chronology", "due_date": when(date(2026, 12, 11))},
    )
    assert "Chronology from Northshire Police" in rita.get(f"/cases/{case_id}")  # its deadline
    blocked = lena.blocked(case_id, "agree_findings")
    assert (
        "The chronology requested from Northshire Police on 30 November 2026 is neither received "
        "nor waived." in blocked
    )
    assert "Record at least one finding" in blocked
    page = rita.get(f"/cases/{case_id}/records/contributions")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    version = find_form(page, f"upload-{chronology}")["fields"]
    response = rita.client.post(
        f"/cases/{case_id}/records/contributions/{chronology}/documents",
        data={
            **dict(version),
            "file": (io.BytesIO(b"%PDF-1.7 chronology"), "chronology.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = rita.get(f"/cases/{case_id}/records/contributions")
    assert "chronology.pdf" in page and "Recorded as received by" in page

    # Findings: one problem and one piece of good practice, added one after another.
    _, page = lena.add_record(
        case_id,
        "findings",
        {
            "what_happened": "Referrals were not shared between agencies.",
            "why": "No agreed route for sharing.",
            "kind": "problem",
            "sources": str(chronology),
        },
        then="add",
    )
    assert "Finding 1 (a problem)" in page and "Add a finding" in page
    response = submit(
        lena.client,
        page,
        "record-form",
        {
            "what_happened": "The school raised concerns promptly.",
            "why": "Clear safeguarding training.",
            "kind": "good_practice",
        },
    )
    assert response.status_code == 302
    page = lena.step(case_id, "agree_findings")
    assert state_of(page) == "Action plan"

    # The action plan: the chair cannot sign it off until the problem has an action.
    assert "Finding 1 (problem) has no action with an owner agency and a due date" in carl.blocked(
        case_id, "sign_off_action_plan"
    )
    action, _ = rita.add_record(
        case_id,
        "actions",
        {
            "finding": "1",
            "owner_agency": "Northshire Police",
            "description": "Agree a referral-sharing protocol.",
            "due_date": when(date(2027, 3, 31)),
        },
    )
    page = carl.step(case_id, "sign_off_action_plan")
    assert state_of(page) == "Monitoring actions"
    # Publication does not wait for the actions; they are monitored after it.
    page = carl.step(case_id, "prepare_publication")
    assert state_of(page) == "Publication"

    # Publication: at least a week after the report went to the national panel.
    carl.record(
        case_id,
        "publication",
        {
            "report_sent_at": when(date(2026, 11, 27)),
            "board_response": "The board accepts every finding.",
            "harm_check_confirmed": "y",
            "publication_url": "https://board.example/reports/child-d",
        },
    )
    blocked = carl.blocked(case_id, "publish")
    assert "the earliest day is 4 December 2026" in blocked
    # The final report: a document the lead uploads, signed off by the chair for the board.
    assert "Upload the final report as a document; the chair then signs it off" in blocked
    assert f'href="/cases/{case_id}/final-report"' in carl.get(f"/cases/{case_id}")
    assert "Final report</a> (not uploaded yet)" in lena.get(f"/cases/{case_id}")
    page = lena.get(f"/cases/{case_id}/final-report")
    assert "No final report has been uploaded yet." in page and 'id="sign-off"' not in page
    response = lena.client.post(
        f"/cases/{case_id}/final-report",
        data={
            **dict(find_form(page, "upload-final-report")["fields"]),
            "file": (io.BytesIO(b"%PDF-1.7 the report"), "child-d-report.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = carl.get(f"/cases/{case_id}/final-report")
    assert "child-d-report.pdf" in page and "Not yet" in text_of(page)
    # The box must be ticked: the page says so and nothing is signed off.
    response = submit(carl.client, page, "sign-off", {"minute": "Board, 1 December 2026"})
    page = carl.get(response.headers["Location"])
    assert "Tick the box to confirm that the board has agreed this final report" in page
    response = submit(
        carl.client, page, "sign-off", {"confirmed": "yes", "minute": "Board, item 6"}
    )
    page = carl.get(response.headers["Location"])
    assert "by carl on 30 November 2026. Board, item 6" in text_of(page)
    assert 'id="sign-off"' not in page
    assert "Final report</a> (signed off)" in carl.get(f"/cases/{case_id}")
    blocked = carl.blocked(case_id, "publish")
    assert "Upload the final report" not in blocked
    assert "signs off the final report" not in blocked
    clock.set("2026-12-04T10:00:00+00:00")
    page = carl.step(case_id, "publish")
    assert state_of(page) == "Published"

    # Kept on the website for at least 12 months, then available on request.
    clock.set("2027-12-06T10:00:00+00:00")
    page = carl.step(case_id, "withdraw")
    assert state_of(page) == "No longer published (available on request; actions monitored)"
    # Closed only once every action is done, with its impact.
    assert "Action 1 (finding 1, Northshire Police, due 31 March 2027) is still open" in (
        carl.blocked(case_id, "close")
    )
    rita.change_record(
        case_id,
        "actions",
        action,
        {
            "status": "done",
            "completion_evidence": "Protocol signed by all agencies.",
            "impact_evidence": "Audit shows referrals shared within a day.",
        },
    )
    page = carl.step(case_id, "close")
    assert state_of(page) == "Closed: every action done"
    assert "This case is closed" in page
    timeline = text_of(page.split('data-testid="timeline"')[1])
    for label in (
        "Decide to hold the serious case review",
        "Appoint the independent lead reviewer",
        "Agree the findings",
        "Sign off the action plan",
        "Publish the report",
    ):
        assert label in timeline
    assert "Appointed at the board meeting." in timeline
    stored = service.get_case(Actor("carl", "chair"), case_id)
    chair = Actor("carl", "chair")
    findings = records.list_records(service, chair, case_id, "findings").items
    assert [f.kind for f in findings] == ["problem", "good_practice"]
    assert findings[0].sources == [chronology]
    (done,) = records.list_records(service, chair, case_id, "actions").model_dump(mode="json")[
        "items"
    ]
    assert {k: done[k] for k in ("finding", "owner_agency", "due_date", "status")} == {
        "finding": 1,
        "owner_agency": "Northshire Police",
        "due_date": "2027-03-31",
        "status": "done",
    }
    assert done["impact_evidence"] == "Audit shows referrals shared within a day."
    assert stored.data["published_at"] == "2026-12-04"


def test_every_shipped_review_type_opens_from_its_form_with_a_form_for_every_key_it_reads(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    from web.pages.datagroups import Kind, definition_reads, layout

    c = as_user(app, "carl")
    for t in service.review_types():
        d = service.definition(t.key)
        lay = layout(d)
        reads, _ = definition_reads(d)
        for path in reads:
            if not path.startswith("records."):  # the records have pages of their own
                assert lay.group_for(path) is not None, (t["key"], path)
        # open it from its form, answering every question the form asks
        page = c.get(f"/cases/new/{t.key}").get_data(as_text=True)
        values: dict[str, Any] = {"title": f"A {t.key}"}
        for name, _ in find_form(page, "open-form")["fields"]:
            if name.startswith("data__"):
                spec = lay.spec(name.removeprefix("data__").replace("__", "."))
                if spec.kind == Kind.DATE:
                    values[name] = when(date(2026, 11, 20))
                elif spec.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.LINES):
                    values[name] = "Northshire Police"
        response = submit(c, page, "open-form", values)
        assert response.status_code == 302, (t["key"], text_of(response.get_data(as_text=True)))
        case_id = int(response.headers["Location"].rsplit("/", 1)[1])
        assert c.get(f"/cases/{case_id}").status_code == 200
        for group in lay.groups:
            response = c.get(f"/cases/{case_id}/record/{group.id}")
            assert response.status_code == 200, (t["key"], group.id)


def test_reading_a_case_page_is_audited(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    from workflow.store.models.cases import AccessLog

    case = open_incident(service, people["rita"], date(2026, 11, 26), ["Police"])
    as_user(app, "pat").get(f"/cases/{case.id}")
    with Session(service.db) as s:
        reads = s.exec(
            select(AccessLog).where(AccessLog.case_id == case.id, AccessLog.actor == "pat")
        ).all()
    assert reads


def test_time_moves_and_the_deadline_follows(
    app: Any, service: Service, people: dict[str, Actor], clock: Clock
) -> None:
    open_incident(service, people["rita"], date(2026, 11, 26), ["Police"], "Clocked")
    c = as_user(app, "rita")
    clock.advance(days=3)  # Thursday 3 December: the last day
    assert "Due today" in c.get("/").get_data(as_text=True)
    clock.advance(days=1)
    assert "Overdue by 1 working day" in c.get("/").get_data(as_text=True)
    assert timedelta(days=1)


# -- the review's records ---------------------------------------------------------------------


def _review_with_plan(service: Service, people: dict[str, Actor]) -> dict[str, Any]:
    """A serious case review naming Police and Health, with a finding and an action and a
    chronology asked of each agency."""
    reviewer = people["rita"]
    case = service.open_case(
        reviewer, "serious_case_review", "Child F", {"agencies": ["Police", "Health"]}
    )
    cid = case.id

    def add(kind: str, /, **fields: Any) -> dict[str, Any]:
        version = service.get_case(reviewer, cid).version
        command = records.AddRecord.of(cid, kind, fields, version)
        return records.add_record(service, reviewer, command).model_dump(mode="json")

    add("findings", what_happened="Referral not shared", why="No route", kind="problem")
    made = {
        "police_action": add(
            "actions",
            finding=1,
            description="Police checks",
            owner_agency="Police",
            due_date="2027-01-15",
        ),
        "health_action": add(
            "actions",
            finding=1,
            description="Health triage",
            owner_agency="Health",
            due_date="2027-01-20",
        ),
        "police_chronology": add(
            "contributions", agency="Police", kind="chronology", due_date="2026-12-10"
        ),
        "health_chronology": add(
            "contributions", agency="Health", kind="chronology", due_date="2026-12-10"
        ),
        "mother": add(
            "family_members", relationship="mother (Mrs Example)", not_involved_reason="Declined"
        ),
    }
    return {"id": cid, **made}


def test_an_agency_user_sees_and_updates_only_their_own_records_on_the_pages(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    made = _review_with_plan(service, people)
    cid = made["id"]
    pat = Browser(app, "pat")
    page = pat.get(f"/cases/{cid}")
    shown = text_of(page.split('data-testid="records">')[1].split("</ul>")[0])
    assert shown == "Agency contributions (1) Action plan (1)"
    assert "Mrs Example" not in page and "Family members" not in shown
    assert pat.client.get(f"/cases/{cid}/records/family-members").status_code == 403
    actions = pat.get(f"/cases/{cid}/records/actions")
    assert "Police checks" in actions and "Health triage" not in actions
    assert 'id="record-form"' not in actions  # adding actions is not theirs
    theirs = pat.client.get(f"/cases/{cid}/records/actions/{made['health_action']['id']}")
    assert theirs.status_code == 404
    form = pat.get(f"/cases/{cid}/records/actions/{made['police_action']['id']}")
    assert 'name="description"' not in form and 'name="status"' in form
    pat.change_record(
        cid,
        "actions",
        made["police_action"]["id"],
        {"status": "done", "completion_evidence": "Checks in place", "impact_evidence": "Audit"},
    )
    stored = records.list_records(service, people["rita"], cid, "actions").items
    assert [(a.owner_agency, a.status) for a in stored] == [
        ("Police", "done"),
        ("Health", "open"),
    ]
    # Their contribution: they send the document; another agency's is not theirs to see.
    contributions = pat.get(f"/cases/{cid}/records/contributions")
    assert f'id="upload-{made["police_chronology"]["id"]}"' in contributions
    assert f'id="upload-{made["health_chronology"]["id"]}"' not in contributions
    fields = dict(find_form(contributions, f"upload-{made['police_chronology']['id']}")["fields"])
    response = pat.client.post(
        f"/cases/{cid}/records/contributions/{made['police_chronology']['id']}/documents",
        data={**fields, "file": (io.BytesIO(b"2026-11-02 referral"), "chrono.txt", "text/plain")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = pat.get(f"/cases/{cid}/records/contributions")
    (href,) = re.findall(r'href="(/cases/\d+/documents/\d+)"', page)
    got = pat.client.get(href)
    assert got.status_code == 200 and got.data == b"2026-11-02 referral"
    assert Browser(app, "hana").client.get(href).status_code == 404
    assert Browser(app, "carl").client.get(href).status_code == 200


def test_a_record_form_shows_each_problem_beside_its_field(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    made = _review_with_plan(service, people)
    cid = made["id"]
    rita = Browser(app, "rita")
    form = rita.get(f"/cases/{cid}/records/contributions")
    response = submit(
        rita.client,
        form,
        "record-form",
        {
            "agency": "Police",
            "kind": "other",
            "requested_on": when(date(2026, 11, 20)),
            "due_date": when(date(2026, 11, 10)),
            "status": "waived",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "due_date") == "Due date: cannot be before requested_on"
    assert field_error(html, "waived_reason") == (
        "If waived, why: record why the contribution is waived"
    )
    assert len(records.list_records(service, people["rita"], cid, "contributions").items) == 2
    # Nothing given: each required field says what to enter.
    response = submit(rita.client, form, "record-form", {})
    html = response.get_data(as_text=True)
    assert field_error(html, "agency") == "Enter agency"


def test_a_stale_records_page_is_refused_and_removal_takes_the_version(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    made = _review_with_plan(service, people)
    cid = made["id"]
    rita = Browser(app, "rita")
    stale = rita.get(f"/cases/{cid}/records/family-members")
    version = service.get_case(people["rita"], cid).version
    command = records.AddRecord.of(
        cid, "panel_members", {"name": "Ruth", "agency": "Health"}, version
    )
    records.add_record(service, people["rita"], command)
    response = submit(rita.client, stale, "record-form", {"relationship": "father"})
    assert response.status_code == 400
    assert "Someone else changed this case" in response.get_data(as_text=True)
    # Removing asks first (its own page); the stale version still refuses it.
    mother = made["mother"]["id"]
    ask = rita.client.get(f"/cases/{cid}/records/family-members/{mother}/remove?expected_version=1")
    response = submit(rita.client, ask.get_data(as_text=True), "confirm-remove")
    assert response.status_code == 302
    assert len(records.list_records(service, people["rita"], cid, "family_members").items) == 1
    fresh = rita.client.get(f"/cases/{cid}/records/family-members/{mother}/remove")
    assert submit(rita.client, fresh.get_data(as_text=True), "confirm-remove").status_code == 302
    assert records.list_records(service, people["rita"], cid, "family_members").items == []
    timeline = text_of(rita.get(f"/cases/{cid}").split('data-testid="timeline"')[1])
    assert "Removed a family member" in timeline and "Added finding 1" in timeline
    assert "Mrs Example" not in timeline


def test_an_action_answers_the_finding_chosen_by_its_words_on_the_page(
    app: Any, service: Service, people: dict[str, Actor]
) -> None:
    """Issue 14: the action form offers each finding as "Finding <n> (<kind>)", and the one
    chosen (the second here) is the one the action answers."""
    rita = people["rita"]
    case = service.open_case(rita, "local_practice_review", "Child X", {"agencies": ["Police"]})
    for kind in ("good_practice", "problem"):
        command = records.AddRecord.of(
            case.id,
            "findings",
            {"what_happened": "Seen", "why": "Known", "kind": kind},
            service.get_case(rita, case.id).version,
        )
        records.add_record(service, rita, command)
    pages = Browser(app, "rita")
    page = pages.get(f"/cases/{case.id}/records/actions")
    offered = re.findall(r'<option value="(\d*)">([^<]*)</option>', page)
    assert offered == [
        ("", "Choose a finding"),
        ("1", "Finding 1 (good practice)"),
        ("2", "Finding 2 (a problem)"),
    ]
    values = {"finding": "2", "description": "A protocol", "owner_agency": "Police"}
    response = submit(
        pages.client,
        page,
        "record-form",
        values | {"due_date": when(date(2027, 3, 31))},
    )
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:1000]
    (made,) = records.list_records(service, rita, case.id, "actions").items
    assert made.finding == 2
