"""Learning products (bulletins, briefings, forums, events, thematic presentations) linking
reviews and themes with their audiences and reach; the themes view across reviews; "what good
looks like" — through the use cases, the JSON API and the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlmodel import Session, col, select
from werkzeug.security import generate_password_hash

from tests.api_client import Call, assert_error
from tests.conftest import Clock
from workflow.core.errors import InvalidInput, NotFound, PermissionDenied
from workflow.core.roles import Actor
from workflow.services import learning, records
from workflow.services.cases import Service
from workflow.services.learning import NewDelivery, NewProduct
from workflow.store.models.learning import LearningAudit

ADMIN = Actor("ada", "admin")
REVIEWER = Actor("rita", "reviewer")
THEMES = ("Neglect", "Information sharing", "Domestic abuse")


def add(service: Service, case_id: int, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """A record added through the records use case, as the reviewer."""
    v = service.get_case(REVIEWER, case_id).version
    command = records.AddRecord.of(case_id, kind, body, v)
    return records.add_record(service, REVIEWER, command).model_dump(mode="json")


def open_review(
    service: Service, review_type: str, title: str, agencies: list[str]
) -> dict[str, Any]:
    return service.open_case(REVIEWER, review_type, title, {"agencies": agencies})


@dataclass
class Board:
    """Four reviews with findings on themes (see ``seed``)."""

    a: str
    b: str
    c: str
    d: str
    ids: dict[str, int]


def seed(service: Service, clock: Clock) -> Board:
    """Reviews A and B (serious case reviews, 2026), C (a learning review, 2027) share the theme
    Neglect; A has two findings on Information sharing; D alone has Domestic abuse.

    A1 (problem; Neglect, Information sharing) draws on the Police chronology and is answered
    by a Health action; A2 (good practice; Information sharing) has neither, so its agencies are
    those that contributed to A (Police). B1 (problem; Neglect): B's contributor, Social Care.
    C1 (good practice; Neglect): nobody contributed. D1 (problem; Domestic abuse)."""
    for name in THEMES:
        records.save_theme(service, ADMIN, records.SaveTheme.of({"name": name}))
    a = open_review(service, "serious_case_review", "Child A", ["Police", "Health"])
    b = open_review(service, "serious_case_review", "Child B", ["Social Care"])
    d = open_review(service, "serious_case_review", "Child D", ["Police"])
    police = add(
        service,
        a.id,
        "contributions",
        {"agency": "Police", "kind": "chronology", "due_date": "2026-12-14"},
    )
    add(
        service,
        a.id,
        "findings",
        {
            "what_happened": "The police referral was not shared with health.",
            "why": "No shared record.",
            "kind": "problem",
            "themes": ["Neglect", "Information sharing"],
            "sources": [police["id"]],
        },
    )
    add(
        service,
        a.id,
        "findings",
        {
            "what_happened": "The health visitor shared concerns the same day.",
            "why": "A clear pathway she knew well.",
            "kind": "good_practice",
            "themes": ["Information sharing"],
        },
    )
    add(
        service,
        a.id,
        "actions",
        {
            "finding": 1,
            "description": "Joint referral protocol",
            "owner_agency": "Health",
            "due_date": "2027-03-31",
        },
    )
    add(
        service,
        b.id,
        "contributions",
        {"agency": "Social Care", "kind": "agency_report", "due_date": "2026-12-14"},
    )
    add(
        service,
        b.id,
        "findings",
        {
            "what_happened": "Home conditions",
            "why": "Drift",
            "kind": "problem",
            "themes": ["neglect"],
        },
    )
    add(
        service,
        d.id,
        "findings",
        {
            "what_happened": "Incident",
            "why": "Missed",
            "kind": "problem",
            "themes": ["Domestic abuse"],
        },
    )
    clock.set("2027-02-01T10:00:00+00:00")
    c = open_review(service, "learning_review", "Child C", ["Education"])
    add(
        service,
        c.id,
        "findings",
        {
            "what_happened": "The school noticed weight loss and acted.",
            "why": "Training on neglect indicators.",
            "kind": "good_practice",
            "themes": ["Neglect"],
        },
    )
    ids = {x.reference: int(x.id) for x in (a, b, c, d)}
    return Board(a.reference, b.reference, c.reference, d.reference, ids)


@pytest.fixture
def board(service: Service, clock: Clock) -> Board:
    return seed(service, clock)


def thematic_body(board: Board, **extra: Any) -> dict[str, Any]:
    """A thematic presentation of reviews A, B and C on neglect, as the API takes it."""
    return {
        "kind": "thematic_presentation",
        "title": "Neglect: learning from three reviews",
        "summary": "What three reviews found about neglect.",
        "cases": [board.a, board.b, board.c],
        "themes": ["Neglect"],
        "audience_agencies": ["Police", "Health", "Education"],
        "audience_roles": ["Health visitors", "Designated safeguarding leads"],
        "deliveries": [
            {"delivered_on": "2027-01-20", "reach": 45, "agencies_reached": ["Health", "Police"]},
        ],
        **extra,
    }


def thematic(board: Board, **extra: Any) -> NewProduct:
    return NewProduct.model_validate(thematic_body(board, **extra))


# -- learning products ---------------------------------------------------------------------


def test_a_thematic_presentation_draws_together_the_findings_of_three_reviews(
    service: Service, board: Board
) -> None:
    product = learning.create_product(service, REVIEWER, thematic(board))
    assert product.kind_label == "Thematic presentation"
    assert [c.reference for c in product.cases] == sorted([board.a, board.b, board.c])
    assert product.themes == ["Neglect"]
    drawn = {(f.case, f.number) for f in product.findings}
    assert drawn == {(board.a, 1), (board.b, 1), (board.c, 1)}
    assert {f.kind for f in product.findings} == {"problem", "good_practice"}
    assert product.audiences.model_dump() == {
        "agencies": ["Police", "Health", "Education"],
        "roles": ["Health visitors", "Designated safeguarding leads"],
    }
    assert product.reach == 45

    again = learning.add_delivery(
        service,
        REVIEWER,
        product.id,
        NewDelivery(delivered_on=date(2027, 2, 1), reach=30, agencies_reached=["Education"]),
    )
    assert [d.delivered_on for d in again.deliveries] == [date(2027, 1, 20), date(2027, 2, 1)]
    assert again.reach == 75
    assert learning.get_product(service, Actor("carl", "chair"), product.id) == again


def test_a_thematic_presentation_needs_several_reviews_with_findings_on_its_themes(
    service: Service, board: Board
) -> None:
    with pytest.raises(InvalidInput) as caught:
        learning.create_product(service, REVIEWER, thematic(board, cases=[board.a]))
    assert any("link at least 2" in d for d in caught.value.details)
    with pytest.raises(InvalidInput) as caught:
        learning.create_product(
            service, REVIEWER, thematic(board, cases=[board.a, board.b, board.d])
        )
    assert caught.value.details == [
        "Each linked review must contribute findings to a thematic presentation; none drawn "
        f"from {board.d} (findings, or the themes of their findings)."
    ]
    with pytest.raises(InvalidInput) as caught:
        learning.create_product(service, REVIEWER, thematic(board, themes=[]))
    assert "name at least one (themes)" in " ".join(caught.value.details)


def test_findings_can_be_named_one_by_one(service: Service, board: Board) -> None:
    product = learning.create_product(
        service,
        REVIEWER,
        thematic(
            board,
            cases=[board.a, board.b],
            findings=[{"case": board.a, "number": 2}, {"case": board.b, "number": 1}],
        ),
    )
    assert [(f.case, f.number) for f in product.findings] == [(board.a, 2), (board.b, 1)]
    with pytest.raises(InvalidInput) as caught:
        learning.create_product(
            service, REVIEWER, thematic(board, findings=[{"case": board.a, "number": 9}])
        )
    assert caught.value.details == [f"findings[0]: case {board.a} has no finding 9."]


def test_a_bulletin_links_one_review_and_every_problem_is_reported(
    service: Service, board: Board, call: Call
) -> None:
    bulletin = learning.create_product(
        service,
        REVIEWER,
        NewProduct(
            kind="bulletin", title="Spring bulletin", cases=[board.d], themes=["Domestic abuse"]
        ),
    )
    assert (bulletin.kind, bulletin.reach, bulletin.deliveries) == ("bulletin", 0, [])
    assert [(f.case, f.number) for f in bulletin.findings] == [(board.d, 1)]

    body = {
        "kind": "poster",
        "title": " ",
        "cases": ["NOPE-1"],
        "themes": ["Astrology"],
        "deliveries": [{"delivered_on": "2030-01-01", "reach": -1}],
        "colour": "red",
    }
    # What is not a product's shape is refused where the product enters (the JSON API)...
    error = assert_error(
        call("reviewer", "post", "/learning-products", json=body), 422, "invalid_input"
    )
    assert [d.split(":")[0] for d in error["details"]] == ["colour", "deliveries.0.reach", "kind"]
    # ... and every rule of the domain it breaks is reported at once.
    with pytest.raises(InvalidInput) as caught:
        learning.create_product(
            service,
            REVIEWER,
            NewProduct(
                kind="bulletin",
                title=" ",
                cases=["NOPE-1"],
                themes=["Astrology"],
                deliveries=[NewDelivery(delivered_on=date(2030, 1, 1), reach=1)],
            ),
        )
    details = caught.value.details
    assert any(d.startswith("title: give the product a title") for d in details)
    assert any("deliveries[0].delivered_on: 2030-01-01 is in the future" in d for d in details)
    assert "cases: there is no case NOPE-1." in details
    assert any("'Astrology' is not in the vocabulary" in d for d in details)


def test_products_are_listed_by_kind_review_theme_and_period(
    service: Service, board: Board, call: Call
) -> None:
    forum = learning.create_product(
        service,
        REVIEWER,
        NewProduct(
            kind="practitioner_forum",
            title="Forum",
            cases=[board.b],
            deliveries=[NewDelivery(delivered_on=date(2026, 12, 10), reach=20)],
        ),
    )
    talk = learning.create_product(service, REVIEWER, thematic(board))
    ids = lambda **kw: [p.id for p in learning.list_products(service, REVIEWER, **kw).items]  # noqa: E731
    assert ids() == [talk.id, forum.id]
    assert ids(kind="practitioner_forum") == [forum.id]
    assert ids(case=board.c) == [talk.id]
    assert ids(theme="neglect") == [talk.id]
    assert ids(start=date(2026, 12, 1), end=date(2026, 12, 31)) == [forum.id]
    # A kind there is not is refused where the query enters.
    assert_error(call("reviewer", "get", "/learning-products?kind=poster"), 422, "invalid_input")


def test_only_the_board_roles_work_with_products(service: Service, board: Board) -> None:
    product = learning.create_product(service, REVIEWER, thematic(board))
    for actor in (Actor("pat", "agency", ("Police",)), Actor("Lena Lead", "lead_reviewer")):
        with pytest.raises(PermissionDenied):
            learning.get_product(service, actor, product.id)
        with pytest.raises(PermissionDenied):
            learning.create_product(service, actor, thematic(board))
    with pytest.raises(NotFound):
        learning.get_product(service, REVIEWER, 999)


def test_product_changes_are_audited_and_the_audit_cannot_be_edited(
    service: Service, board: Board
) -> None:
    product = learning.create_product(service, REVIEWER, thematic(board))
    learning.add_delivery(
        service,
        Actor("carl", "chair"),
        product.id,
        NewDelivery(delivered_on=date(2027, 1, 25), reach=12),
    )
    with Session(service.db) as s:
        trail = [
            (a.action, a.actor, a.actor_role)
            for a in s.exec(select(LearningAudit).order_by(col(LearningAudit.id)))
        ]
    assert trail == [("created", "rita", "reviewer"), ("delivered", "carl", "chair")]
    with pytest.raises(Exception, match="append-only"), service.db.begin() as conn:
        conn.execute(text("UPDATE learning_audit SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"), service.db.begin() as conn:
        conn.execute(text("DELETE FROM learning_audit"))


# -- learning across reviews -----------------------------------------------------------------


def test_the_themes_view_shows_which_themes_recur_where_and_when(
    service: Service, board: Board
) -> None:
    view = learning.themes_view(service, REVIEWER)
    assert (view.findings, view.reviews, view.recurring, view.unthemed_findings) == (5, 4, 1, 0)
    neglect, sharing, abuse = view.themes
    assert neglect.model_dump() == {
        "theme": "Neglect",
        "findings": 3,
        "problems": 2,
        "good_practice": 1,
        "reviews": 3,
        "recurring": True,
        "cases": sorted([board.a, board.b, board.c]),
        "review_types": [
            {"review_type": "serious_case_review", "name": "Serious case review", "findings": 2},
            {"review_type": "learning_review", "name": "Learning review", "findings": 1},
        ],
        "agencies": [
            {"agency": "Health", "findings": 1},
            {"agency": "Police", "findings": 1},
            {"agency": "Social Care", "findings": 1},
        ],
        "years": [{"year": 2026, "findings": 2}, {"year": 2027, "findings": 1}],
    }
    assert (sharing.theme, sharing.findings, sharing.reviews, sharing.recurring) == (
        "Information sharing",
        2,
        1,
        False,
    )
    assert [a.model_dump() for a in sharing.agencies] == [
        {"agency": "Police", "findings": 2},
        {"agency": "Health", "findings": 1},
    ]
    assert (abuse.theme, abuse.cases) == ("Domestic abuse", [board.d])

    only_2027 = learning.themes_view(service, REVIEWER, start=date(2027, 1, 1))
    assert [(t.theme, t.findings) for t in only_2027.themes] == [("Neglect", 1)]
    scr = learning.themes_view(service, REVIEWER, review_type="serious_case_review")
    assert scr.themes[0].reviews == 2
    with pytest.raises(InvalidInput):
        learning.themes_view(service, REVIEWER, start=date(2027, 1, 1), end=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        learning.themes_view(service, Actor("pat", "agency", ("Police",)))


def test_what_good_looks_like_gathers_the_good_practice_findings(
    service: Service, board: Board
) -> None:
    good = learning.good_practice(service, REVIEWER)
    assert [(g.case, g.number, g.year) for g in good.items] == sorted(
        [(board.a, 2, 2026), (board.c, 1, 2027)]
    )
    school = next(g for g in good.items if g.case == board.c)
    assert school.what_happened == "The school noticed weight loss and acted."
    assert school.why == "Training on neglect indicators."
    assert school.review_type_name == "Learning review"
    assert [
        g.case for g in learning.good_practice(service, REVIEWER, theme="information sharing").items
    ] == [board.a]


# -- the JSON API and the page ---------------------------------------------------------------


def test_learning_through_the_api(service: Service, clock: Clock, call: Call) -> None:
    board = seed(service, clock)
    r = call("reviewer", "post", "/learning-products", json=thematic_body(board))
    assert r.status_code == 201, r.json
    pid = r.json["id"]
    assert len(r.json["findings"]) == 3
    r = call(
        "chair",
        "post",
        f"/learning-products/{pid}/deliveries",
        json={"delivered_on": "2027-01-30", "reach": 5},
    )
    assert (r.status_code, r.json["reach"]) == (201, 50)
    assert call("admin", "get", f"/learning-products/{pid}").json["reach"] == 50
    listed = call(
        "reviewer", "get", "/learning-products?kind=thematic_presentation&from=2027-01-01"
    ).json
    assert [p["id"] for p in listed["items"]] == [pid]
    error = assert_error(
        call("reviewer", "post", "/learning-products", json=thematic_body(board, cases=[board.a])),
        422,
        "invalid_input",
    )
    assert any("link at least 2" in d for d in error["details"])
    assert_error(
        call(
            "reviewer",
            "post",
            "/learning-products",
            json={**thematic_body(board), "kind": "poster"},
        ),
        422,
        "invalid_input",
    )
    assert_error(call("police", "get", "/learning-products"), 403, "forbidden")
    assert_error(call("reviewer", "get", "/learning-products/999"), 404, "not_found")

    themes = call("chair", "get", "/learning/themes?from=2026-01-01&to=2026-12-31").json
    assert [(t["theme"], t["reviews"]) for t in themes["themes"]] == [
        ("Neglect", 2),
        ("Information sharing", 1),
        ("Domestic abuse", 1),
    ]
    good = call("chair", "get", "/learning/good-practice?theme=Neglect").json
    assert [g["case"] for g in good["items"]] == [board.c]
    assert_error(call("health", "get", "/learning/themes"), 403, "forbidden")
    spec = call("reviewer", "get", "/openapi.json").json
    assert {"/api/v1/learning-products", "/api/v1/learning/themes"} <= set(spec["paths"])


PASSWORD = "correct horse battery staple"


def signed_in(app: Any, service: Service, name: str, role: str) -> FlaskClient:
    """A browser signed in as ``name`` (made with a cheap password hash)."""
    from workflow.services import accounts

    with service.store.write() as u:
        user = u.accounts.named(name)
        if user is None:
            new = accounts.NewUser(
                name=name, role=role, agencies=("Police",) if role == "agency" else ()
            )
            user = accounts.add_user(u, new, service.now())
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    client: FlaskClient = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = client.post("/sign-in", data={"csrf_token": token, "name": name, "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client


def test_the_themes_page(service: Service, clock: Clock, app: Any) -> None:
    board = seed(service, clock)
    assert app.test_client().get("/learning/themes").status_code == 302  # sign in first
    chair = signed_in(app, service, "carl", "chair")
    page = chair.get("/learning/themes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Themes across reviews" in html and "What good looks like" in html
    assert "Neglect" in html and "Recurs" in html and board.c in html
    assert "The school noticed weight loss and acted." in html
    assert "Child A" not in html  # reviews by reference, never by title
    assert page.headers["Cache-Control"] == "no-store"
    filtered = chair.get("/learning/themes?from=2027-01-01").get_data(as_text=True)
    assert board.a not in filtered
    assert chair.get("/learning/themes?from=soon").status_code == 400
    agency = signed_in(app, service, "pat", "agency")
    assert agency.get("/learning/themes").status_code == 403
