"""What the records' pages show: each kind's title and introduction, a record's title and
its rows in words (through the table of field kinds), who may change it, the options its form
offers (themes, contributions, findings), and the page listing a case's records of one kind
with the form to add one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, url_for

from web.pages import helpers
from web.pages.record_forms import RecordForm, label_of, record_form, rendered
from workflow.core import fields
from workflow.core.fields import FieldKind
from workflow.core.record_kinds import AGENCY, CONTRIBUTION_KINDS, KINDS, RecordKind, owns
from workflow.services import records
from workflow.services.agencies.register import list_agencies

TITLES = {
    "lead_appointments": "Lead reviewer",
    "panel_members": "Review panel",
    "practitioners": "Practitioners",
    "family_members": "Family members",
    "contributions": "Agency contributions",
    "findings": "Findings",
    "actions": "Action plan",
}
INTROS = {
    "lead_appointments": "The lead reviewer must be independent of the case and of every agency "
    "involved. Appointing a new lead ends the appointment in force.",
    "panel_members": "The panel that oversees the review.",
    "practitioners": "Practitioners of every agency involved are invited to contribute before "
    "the findings are agreed.",
    "family_members": "The family, including surviving children, is invited and told how the "
    "review works, or the reason they are not involved is recorded. Record each person by "
    "relationship, never by name.",
    "contributions": "Chronologies and reports asked of the agencies. Each has a due date: when "
    "it slips, the agency and the reviewer are told. Findings wait until each is received or "
    "waived with a reason.",
    "findings": "Each finding says what happened and why, and whether it shows good practice or "
    "a problem.",
    "actions": "Every problem finding needs at least one action with an owner agency and a due "
    "date. An overdue action is escalated to its agency and the chair. A review closes only "
    "when every action is done with evidence of its impact.",
}
SLUGS = {kind: kind.replace("_", "-") for kind in KINDS}
BY_SLUG = {slug: kind for kind, slug in SLUGS.items()}


def title_of(kind: RecordKind, r: Mapping[str, Any]) -> str:
    key = kind.key
    if key == "lead_appointments":
        state = "in force" if r.get("current") else f"ended {helpers.format_date(r['ended_on'])}"
        return f"{r['name']} ({state})"
    if key == "panel_members":
        return str(r["name"])
    if key == "practitioners":
        return f"Practitioner {r['number']}: {r['role_title']}, {r['agency']}"
    if key == "family_members":
        return f"Family member {r['number']}: {r['relationship']}"
    if key == "contributions":
        what = dict(CONTRIBUTION_KINDS).get(r["kind"], r["kind"])
        return f"{what} from {r['agency']}"
    if key == "findings":
        said = {"good_practice": "good practice", "problem": "a problem"}
        return f"Finding {r['number']} ({said.get(r.get('kind') or '', 'not yet said')})"
    return f"Action {r['number']} ({r['owner_agency']})"


def _rows(kind: RecordKind, r: Mapping[str, Any], sources: Mapping[int, str]) -> list[Any]:
    rows = []
    for spec in kind.fields:
        value = r.get(spec.name)
        if spec.name == "sources":
            value = [sources.get(int(v), str(v)) for v in value or []]
        text = fields.shown(spec, value)
        label = label_of(spec, kind.key)[0]
        rows.append({"key": {"text": label}, "value": {"text": text or "Not recorded"}})
    if kind.key == "contributions" and r.get("received_by"):
        rows.append(
            {"key": {"text": "Recorded as received by"}, "value": {"text": r["received_by"]}}
        )
    return rows


def may_change(kind: RecordKind, record: Mapping[str, Any]) -> bool:
    who = helpers.actor()
    if who.role in kind.edit_roles:
        return True
    return (
        who.role == AGENCY
        and bool(kind.agency_field)
        and owns(who.agencies, record.get(kind.agency_field or ""))
    )


def agency_choices(kind: RecordKind) -> dict[str, list[tuple[str, str]]]:
    """The register's agencies for each field of the kind chosen from it (none when the board
    keeps no register yet: the field is then typed)."""
    wanted = [f for f in kind.fields if f.options_from == "agencies"]
    if not wanted:
        return {}
    names = [a.name for a in list_agencies(helpers.service(), helpers.actor()).items]
    if not names:
        return {}
    pairs = [(n, n) for n in names]
    return {
        f.name: pairs if f.kind is FieldKind.NAMES else [("", "Choose an agency"), *pairs]
        for f in wanted
    }


def choices_of(
    kind: RecordKind, everything: Mapping[str, list[dict[str, Any]]]
) -> dict[str, list[tuple[str, str]]]:
    svc = helpers.service()
    who = helpers.actor()
    out: dict[str, list[tuple[str, str]]] = agency_choices(kind)
    if kind.key == "findings":
        themes = [t.model_dump()["name"] for t in records.list_themes(svc, who)]
        out["themes"] = [(name, name) for name in themes]
        out["sources"] = [
            (str(c["id"]), title_of(KINDS["contributions"], c))
            for c in everything.get("contributions", [])
        ]
    if kind.key == "actions":
        out["finding"] = [("", "Choose a finding")] + [
            (str(f["number"]), title_of(KINDS["findings"], f))
            for f in everything.get("findings", [])
        ]
    return out


def everything_of(case_id: int, kind: RecordKind) -> dict[str, list[dict[str, Any]]]:
    """This kind's records, and those its form refers to (findings, contributions)."""
    svc, who = helpers.service(), helpers.actor()

    def listed(key: str) -> list[dict[str, Any]]:
        return [r.model_dump() for r in records.list_records(svc, who, case_id, key).items]

    out = {str(kind.key): listed(kind.key)}
    if who.role in kind.edit_roles:
        for other in {"findings": ["contributions"], "actions": ["findings"]}.get(kind.key, []):
            out[other] = listed(other)
    return out


def _item(
    case: Mapping[str, Any],
    kind: RecordKind,
    r: Mapping[str, Any],
    sources: Mapping[int, str],
    open_case: bool,
) -> dict[str, Any]:
    """One record as the list shows it, with the links to change it and its documents."""
    change = open_case and may_change(kind, r)
    link = url_for(
        "pages.records.change_page", case_id=case["id"], slug=SLUGS[kind.key], record_id=r["id"]
    )
    actions = [{"href": link, "text": "Change", "visuallyHiddenText": title_of(kind, r)}]
    return {
        "id": r["id"],
        "title": title_of(kind, r),
        "rows": _rows(kind, r, sources),
        "actions": actions if change else [],
        "remove": open_case and helpers.actor().role in kind.edit_roles,
        "documents": r.get("documents", []),
        "upload": open_case and kind.key == "contributions" and change,
    }


def listing_page(
    case: Mapping[str, Any],
    kind: RecordKind,
    add_form: RecordForm | None,
    problems: list[dict[str, str]],
    status: int = 200,
) -> tuple[str, int]:
    who = helpers.actor()
    everything = everything_of(int(case["id"]), kind)
    sources = {
        c["id"]: title_of(KINDS["contributions"], c) for c in everything.get("contributions", [])
    }
    open_case = not case["final"]
    items = [_item(case, kind, r, sources, open_case) for r in everything[kind.key]]
    if add_form is None and open_case and who.role in kind.edit_roles:
        add_form = record_form(kind, "add", case["version"], choices=choices_of(kind, everything))
    return (
        render_template(
            "pages/records.html",
            case=case,
            kind=kind,
            slug=SLUGS[kind.key],
            title=TITLES[kind.key],
            intro=INTROS[kind.key],
            items=items,
            form=add_form,
            fields=rendered(add_form) if add_form is not None else [],
            problems=problems,
            nav="cases",
        ),
        status,
    )


__all__ = [
    "BY_SLUG",
    "INTROS",
    "SLUGS",
    "TITLES",
    "choices_of",
    "everything_of",
    "listing_page",
    "may_change",
    "title_of",
]
