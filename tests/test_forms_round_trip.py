"""Every page form round-trips what it shows: saving any data form of any shipped review type
unchanged changes nothing (issue 13: saving "Other details" unchanged blanked the board's
response and the advance-copy dates, and stored ``advance_copies`` as the text of a dict).

The list of forms is worked out from the shipped definitions, so a new type or a new key is
covered without touching this file. Each case is filled twice: with what the forms themselves
write, and with what the API writes (tables, lists of numbers, lists of reasons).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from tests.conftest import DEFINITIONS
from tests.test_pages import app, as_user, people, settings, submit  # noqa: F401  (fixtures)
from web.pages.datagroups import Kind, Spec, layout
from workflow.core.definition import Definition, load
from workflow.core.events import EventKind
from workflow.core.roles import Actor
from workflow.services.cases import Service
from workflow.store.models.cases import Case

SHIPPED = {path.stem: load(path.read_text()) for path in sorted(Path(DEFINITIONS).glob("*.toml"))}
FORMS = [(key, g.id) for key, d in SHIPPED.items() for g in layout(d).groups]

#: A value of each kind, as the forms write it.
AS_FORMS_WRITE: dict[Kind, Any] = {
    Kind.DATE: "2026-11-20",
    Kind.TEXT: "A proportionate review",
    Kind.LONG_TEXT: "First line\nSecond line",
    Kind.YES_NO: True,
    Kind.CONFIRM: True,
    Kind.BOOL: True,
    Kind.LINES: ["Northshire Police", "Northshire Health"],
    Kind.LINES_OR_NONE: ["Elsewhere Council"],
    Kind.AMOUNT: 0.5,
    Kind.URL: "https://board.example/reports/child-a",
}

#: What the API writes for keys the pages ask differently (``/publication…`` and ``PATCH``).
AS_API_WRITES: dict[str, Any] = {
    "board_response": {
        "findings_accepted": [1, 2],
        "priorities": "Earlier help",
        "actions": "Training",
        "monitoring": "Quarterly audit",
        "agreed_on": "2026-11-25",
    },
    "advance_copies": {"national_panel": "2026-11-10", "ofsted": "2026-11-11", "dfe": "2026-11-12"},
    "withheld_reasons": ["Would identify the child", "Parallel proceedings"],
    "published_as": "summary",
    "not_published_reasons": ["The family asked", "Criminal trial"],
    "lead_reviewer": {"name": "Ivy Independent", "organisations": ["Elsewhere Council"]},
    "age_at_death": 3,
    "criteria": {"abuse_or_neglect": True, "child_died": False, "seriously_harmed": True},
}


def _value(spec: Spec) -> Any:
    if spec.kind is Kind.CHOICE:
        return spec.choices[-1][0]
    return AS_FORMS_WRITE.get(spec.kind, "Recorded")


def filled(d: Definition, shape: str) -> dict[str, Any]:
    """Data for every field of every group of ``d``: as the forms write it, or as the API does."""
    data: dict[str, Any] = {}
    for group in layout(d).groups:
        for spec in group.fields:
            top, _, sub = spec.path.partition(".")
            if sub:
                data.setdefault(top, {})[sub] = _value(spec)
            else:
                data[top] = _value(spec)
    if shape == "api":
        data.update({k: v for k, v in AS_API_WRITES.items() if k in data})
    data["an_unasked_key"] = {"kept": ["as", "it", "is"]}
    return data


def case_with(service: Service, who: Actor, key: str, data: dict[str, Any]) -> int:
    """A case of ``key`` holding ``data`` exactly (written to the row, so every shape is there)."""
    opening = {"date_of_death": "2026-11-01", "aware_at": "2026-11-27"}
    opening |= {k: v for k, v in data.items() if k.endswith("_at") and isinstance(v, str)}
    case = service.open_case(who, key, "Child A", opening)
    with Session(service.db) as s:
        row = s.get(Case, case.id)
        assert row is not None
        row.data = data
        s.add(row)
        s.commit()
    return int(case.id)


@pytest.mark.parametrize("shape", ["forms", "api"])
@pytest.mark.parametrize(("key", "group_id"), FORMS)
def test_saving_a_form_unchanged_changes_nothing(
    app: Any,  # noqa: F811
    service: Service,
    people: dict[str, Actor],  # noqa: F811
    key: str,
    group_id: str,
    shape: str,
) -> None:
    data = filled(SHIPPED[key], shape)
    case_id = case_with(service, people["rita"], key, data)
    before = service.get_case(people["rita"], case_id)
    events = len(service.events(people["rita"], case_id))
    client = as_user(app, "rita")
    page = client.get(f"/cases/{case_id}/record/{group_id}")
    assert page.status_code == 200, page.get_data(as_text=True)
    answer = submit(client, page.get_data(as_text=True), "record-form")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    after = service.get_case(people["rita"], case_id)
    assert after.data == data
    assert after.version == before.version
    assert len(service.events(people["rita"], case_id)) == events


def test_the_forms_cover_every_shipped_type() -> None:
    assert {key for key, _ in FORMS} == set(SHIPPED)
    assert ("serious_case_review", "dates") in FORMS


def test_a_changed_field_is_saved_and_the_rest_kept(
    app: Any,  # noqa: F811
    service: Service,
    people: dict[str, Actor],  # noqa: F811
) -> None:
    data = filled(SHIPPED["serious_case_review"], "api")
    case_id = case_with(service, people["rita"], "serious_case_review", data)
    client = as_user(app, "rita")
    page = client.get(f"/cases/{case_id}/record/dates").get_data(as_text=True)
    answer = submit(
        client,
        page,
        "record-form",
        {"advance_copies__ofsted": ["13", "11", "2026"]},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    after = service.get_case(people["rita"], case_id)
    assert after.data["advance_copies"] == {**data["advance_copies"], "ofsted": "2026-11-13"}
    assert after.data["board_response"] == data["board_response"]
    changes = [
        e for e in service.events(people["rita"], case_id) if e.kind == EventKind.DATA_CHANGED
    ]
    assert len(changes) == 1


def test_guard_parameters_naming_keys_inside_a_table_are_not_asked_as_data() -> None:
    """``advance_copies_sent``'s recipients are keys of ``advance_copies``, not data keys."""
    for d in SHIPPED.values():
        paths = [f.path for g in layout(d).groups for f in g.fields]
        assert not {"national_panel", "ofsted", "dfe"} & set(paths)
        assert not any(p.startswith("board_response.") for p in paths)
        assert len(paths) == len(set(paths))
