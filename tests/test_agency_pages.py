"""The register in the pages: administrators keep it at /admin/agencies; a record's agency
(a practitioner's, say) is chosen from it (a select of the register's names; a name not in it
is refused beside the field); and an agency user's case page shows only its own agency's part
of the timeline."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import records_support as rs
from tests.conftest import DEFINITIONS
from tests.test_pages import FAST_HASH, PEOPLE, as_user, submit, text_of
from web.app import create_app
from workflow.core.roles import Actor
from workflow.services import accounts
from workflow.services.agencies.register import SaveAgency, save_agency
from workflow.services.cases import Service
from workflow.settings import Settings

SCR_MET = {
    "criteria": {
        "abuse_or_neglect": True,
        "child_died": True,
        "seriously_harmed": False,
        "concern_about_working_together": True,
        "died_in_custody": False,
    },
    "decision_rationale": "Regulation 5 criteria met.",
}
ADMIN = Actor("ada", "admin")


@pytest.fixture
def app(tmp_path: Any, db_url: str, service: Service) -> Any:
    settings = Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key="agency-pages-test-secret-0123456789",
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path,
    )
    with service.store.write() as u:
        for name, (role, agencies) in PEOPLE.items():
            new = accounts.NewUser(name=name, role=role, agencies=agencies)
            accounts.add_user(u, new, service.now()).password_hash = FAST_HASH
    app = create_app(settings, service=service)
    app.config.update(TESTING=True)
    return app


def scr(service: Service, agencies: list[str]) -> Any:
    rita, carl = Actor("rita", "reviewer"), Actor("carl", "chair")
    case = service.open_case(rita, "serious_case_review", "Child A", {"agencies": agencies})
    return service.transition(carl, case.id, "decide_scr", case.version, data=SCR_MET)


def options_of(html: str, select_id: str) -> list[str]:
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, flags=re.S)
    assert found, f"no select {select_id}"
    return re.findall(r'<option value="([^"]*)"', found.group(1))


def test_administrators_keep_the_register_in_the_pages(app: Any, service: Service) -> None:
    assert as_user(app, "rita").get("/admin/agencies/").status_code == 403
    ada = as_user(app, "ada")
    page = ada.get("/admin/agencies/").get_data(as_text=True)
    assert "The register is empty" in page
    done = submit(ada, page, "agency-form", {"name": "Northshire County Council"})
    assert done.status_code == 302, done.get_data(as_text=True)
    page = ada.get("/admin/agencies/").get_data(as_text=True)
    done = submit(
        ada,
        page,
        "agency-form",
        {
            "name": "Northshire Children's Services",
            "aliases": "NCS\nChildren's Services",
            "parent": "Northshire County Council",
        },
    )
    assert done.status_code == 302
    page = ada.get("/admin/agencies/").get_data(as_text=True)
    assert "NCS, Children's Services" in text_of(page)
    refused = submit(ada, page, "agency-form", {"name": "ncs"})
    assert refused.status_code == 200
    assert "already in the register, as Northshire Children" in text_of(
        refused.get_data(as_text=True)
    )
    council = re.search(r'href="/admin/agencies/(\d+)">Northshire County Council', page)
    assert council
    edit = ada.get(f"/admin/agencies/{council.group(1)}").get_data(as_text=True)
    done = submit(ada, edit, "agency-form", {"name": "Northshire Council", "active": []})
    assert done.status_code == 302
    assert "Northshire Council Retired" in text_of(
        ada.get("/admin/agencies/").get_data(as_text=True)
    )


def test_a_practitioners_agency_is_chosen_from_the_register(app: Any, service: Service) -> None:
    for name in ("Northshire Police", "Northshire Health Trust"):
        save_agency(service, ADMIN, SaveAgency(name=name))
    case = scr(service, ["Northshire Police"])
    rita = as_user(app, "rita")
    url = f"/cases/{case.id}/records/practitioners"
    page = rita.get(url).get_data(as_text=True)
    assert options_of(page, "agency") == ["", "Northshire Health Trust", "Northshire Police"]
    refused = submit(rita, page, "record-form", {"agency": "Northshire Polce", "role_title": "DC"})
    assert refused.status_code == 400
    said = text_of(refused.get_data(as_text=True))
    assert "'Northshire Polce' is not in the board's register of agencies" in said
    assert "Did you mean Northshire Police?" in said
    page = rita.get(url).get_data(as_text=True)
    done = submit(rita, page, "record-form", {"agency": "Northshire Police", "role_title": "DC"})
    assert done.status_code == 302
    listed = rs.listed(service, Actor("rita", "reviewer"), case.id, "practitioners")
    assert [p["agency"] for p in listed] == ["Northshire Police"]


def test_without_a_register_the_agency_is_typed(app: Any, service: Service) -> None:
    case = scr(service, ["Police"])
    page = as_user(app, "rita").get(f"/cases/{case.id}/records/practitioners")
    assert re.search(r'<input[^>]*id="agency"', page.get_data(as_text=True))


def test_an_agency_users_case_page_shows_only_its_own_part(app: Any, service: Service) -> None:
    case = scr(service, ["Police", "Health"])
    rita = Actor("rita", "reviewer")
    rs.appoint(service, rita, case.id, name="Lena Lead", organisations=["Reviews Ltd"])
    rs.add(service, rita, case.id, "family_members", relationship="mother")
    ids = {
        agency: rs.add(
            service,
            rita,
            case.id,
            "contributions",
            agency=agency,
            kind="chronology",
            due_date="2026-12-20",
        )["id"]
        for agency in ("Police", "Health")
    }
    whole = text_of(as_user(app, "rita").get(f"/cases/{case.id}").get_data(as_text=True))
    seen = text_of(as_user(app, "pat").get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Lena Lead" in whole and "Lena Lead" not in seen
    assert len(ids) == 2
    # The timeline names records as people do ("a contribution"), not by database id: the
    # reviewer sees both agencies' contributions added, the police user only its own.
    assert whole.count("Added a contribution") == 2
    assert seen.count("Added a contribution") == 1
    assert whole.count("Deadline set: an agency's contribution") == 2
    assert seen.count("Deadline set: an agency's contribution") == 1
    assert "Added a family member" in whole and "Added a family member" not in seen
    assert "Added a lead reviewer appointment" in whole
    assert "Added a lead reviewer appointment" not in seen


def test_the_agencies_involved_are_ticked_from_the_register(app: Any, service: Service) -> None:
    for name in ("Northshire Police", "Northshire Health Trust"):
        save_agency(service, ADMIN, SaveAgency(name=name))
    case = scr(service, ["Northshire Police"])
    rita = as_user(app, "rita")
    url = f"/cases/{case.id}/record/agencies"
    page = rita.get(url).get_data(as_text=True)
    assert re.search(r'type="checkbox"[^>]*value="Northshire Health Trust"', page)
    assert re.search(
        r'value="Northshire Police"[^>]*checked|checked[^>]*value="Northshire Police"', page
    )
    unchanged = submit(rita, page, "record-form")
    assert unchanged.status_code == 302
    page = rita.get(url).get_data(as_text=True)
    both = ["Northshire Police", "Northshire Health Trust"]
    done = submit(rita, page, "record-form", {"agencies": both})
    assert done.status_code == 302, text_of(done.get_data(as_text=True))[-600:]
    assert service.get_case(Actor("rita", "reviewer"), case.id).data["agencies"] == both
