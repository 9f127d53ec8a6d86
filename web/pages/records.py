"""Pages of the review's records: for each kind (lead appointments, the panel, practitioners,
family members, agency contributions with their documents, findings, actions) a page listing a
case's records with a form to add one, a page to change one, and removal; document upload and
download.

Every read and change goes through the use cases of ``workflow.records`` and
``workflow.documents``, so the pages keep the API's rules: a change is a change to the case
(sent with the version the page was read at; someone else's change in between is reported, never
overwritten), agency users see and update only their own agency's contributions and actions
(progress and evidence only), and family members are shown only on their own page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.sansio.app import App
from werkzeug.wrappers import Response

from web.pages import helpers
from web.pages.forms import VersionedForm
from web.pages.record_forms import RecordForm, attach, form_body, label_of, record_form, rendered
from workflow.core import fields
from workflow.core.errors import InvalidInput, NotFound, PermissionDenied, VersionConflict
from workflow.core.record_kinds import AGENCY, CONTRIBUTION_KINDS, KINDS, RecordKind, owns
from workflow.services import documents, records

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


def blueprint() -> Blueprint:
    bp = Blueprint("records", __name__)
    bp.add_url_rule(
        "/cases/<int:case_id>/records/<slug>", view_func=records_page, methods=["GET", "POST"]
    )
    bp.add_url_rule(
        "/cases/<int:case_id>/records/<slug>/<int:record_id>",
        view_func=change_page,
        methods=["GET", "POST"],
    )
    bp.add_url_rule(
        "/cases/<int:case_id>/records/<slug>/<int:record_id>/remove",
        view_func=remove,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/cases/<int:case_id>/records/contributions/<int:record_id>/documents",
        # An upload may be larger than other forms.
        view_func=helpers.larger_body(upload, _document_limit),
        methods=["POST"],
    )
    bp.add_url_rule("/cases/<int:case_id>/documents/<int:document_id>", view_func=download)
    bp.record_once(lambda state: register_pages(state.app))
    return bp


def page_of(slug: str) -> helpers.RecordPage:
    def url(case_id: int) -> str:
        return url_for("pages.records.records_page", case_id=case_id, slug=slug)

    return url


def register_pages(app: App) -> None:
    """Tell the case page where each kind of record is recorded."""
    for kind, slug in SLUGS.items():
        helpers.register_record_page(app, kind, page_of(slug))


def _document_limit() -> int:
    limit = int(getattr(helpers.settings(), "max_document_bytes", 0)) or (
        documents.DEFAULT_MAX_DOCUMENT_BYTES
    )
    return limit + 64 * 1024


def _kind(slug: str) -> RecordKind:
    found = BY_SLUG.get(slug)
    if found is None:
        abort(404)
    return KINDS[found]


# -- what the pages show --------------------------------------------------------------------


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
        rows.append({"key": {"text": label_of(spec)[0]}, "value": {"text": text or "Not recorded"}})
    if kind.key == "contributions" and r.get("received_by"):
        rows.append(
            {"key": {"text": "Recorded as received by"}, "value": {"text": r["received_by"]}}
        )
    return rows


def _may_change(kind: RecordKind, record: Mapping[str, Any]) -> bool:
    who = helpers.actor()
    if who.role in kind.edit_roles:
        return True
    return (
        who.role == AGENCY
        and bool(kind.agency_field)
        and owns(who.agencies, record.get(kind.agency_field or ""))
    )


def _choices(
    kind: RecordKind, everything: Mapping[str, list[dict[str, Any]]]
) -> dict[str, list[tuple[str, str]]]:
    svc = helpers.service()
    who = helpers.actor()
    out: dict[str, list[tuple[str, str]]] = {}
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


def _everything(case_id: int, kind: RecordKind) -> dict[str, list[dict[str, Any]]]:
    """This kind's records, and those its form refers to (findings, contributions)."""
    svc, who = helpers.service(), helpers.actor()

    def listed(key: str) -> list[dict[str, Any]]:
        return [r.model_dump() for r in records.list_records(svc, who, case_id, key).items]

    out = {str(kind.key): listed(kind.key)}
    if who.role in kind.edit_roles:
        for other in {"findings": ["contributions"], "actions": ["findings"]}.get(kind.key, []):
            out[other] = listed(other)
    return out


def _page(
    case: Mapping[str, Any],
    kind: RecordKind,
    add_form: RecordForm | None,
    problems: list[dict[str, str]],
    status: int = 200,
) -> tuple[str, int]:
    who = helpers.actor()
    everything = _everything(int(case["id"]), kind)
    sources = {
        c["id"]: title_of(KINDS["contributions"], c) for c in everything.get("contributions", [])
    }
    open_case = not case["final"]
    items = []
    for r in everything[kind.key]:
        change = open_case and _may_change(kind, r)
        items.append(
            {
                "id": r["id"],
                "title": title_of(kind, r),
                "rows": _rows(kind, r, sources),
                "actions": [
                    {
                        "href": url_for(
                            "pages.records.change_page",
                            case_id=case["id"],
                            slug=SLUGS[kind.key],
                            record_id=r["id"],
                        ),
                        "text": "Change",
                        "visuallyHiddenText": title_of(kind, r),
                    }
                ]
                if change
                else [],
                "remove": open_case and who.role in kind.edit_roles,
                "documents": r.get("documents", []),
                "upload": open_case and kind.key == "contributions" and change,
            }
        )
    if add_form is None and open_case and who.role in kind.edit_roles:
        add_form = record_form(kind, "add", case["version"], choices=_choices(kind, everything))
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


# -- the views --------------------------------------------------------------------------------


def records_page(case_id: int, slug: str) -> Any:
    kind = _kind(slug)
    svc, who = helpers.service(), helpers.actor()
    case = svc.get_case(who, case_id)
    if request.method == "GET":
        return _page(case, kind, None, [])
    if who.role not in kind.edit_roles or case["final"]:
        raise PermissionDenied(
            f"A {who.role} may not add {TITLES[kind.key].lower()}; ask someone with the role "
            f"{' or '.join(sorted(kind.edit_roles))}."
        )
    everything = _everything(case_id, kind)
    form = record_form(
        kind, "add", case["version"], formdata=request.form, choices=_choices(kind, everything)
    )
    problems: list[dict[str, str]] = []
    if form.validate():
        try:
            command = records.AddRecord.of(case_id, kind.key, form_body(form, None), form.version())
            saved = records.add_record(svc, who, command).model_dump()
        except VersionConflict:
            problems = [_conflict()]
            form.expected_version.data = str(svc.get_case(who, case_id)["version"])
        except InvalidInput as exc:
            problems = attach(form, exc)
        else:
            flash(f"Saved: {title_of(kind, saved)}.", "success")
            anchor = "#add" if request.form.get("then") == "add" else f"#record-{saved['id']}"
            page = url_for("pages.records.records_page", case_id=case_id, slug=slug)
            return redirect(page + anchor)
    return _page(case, kind, form, helpers.error_list(form, problems), 400)


def _conflict() -> dict[str, str]:
    return {
        "text": "Someone else changed this case after you opened this page, so your change was "
        "not saved. The page now shows the records as they are: check them, then save again.",
        "href": "#record-form",
    }


def change_page(case_id: int, slug: str, record_id: int) -> Any:
    kind = _kind(slug)
    svc, who = helpers.service(), helpers.actor()
    case = svc.get_case(who, case_id)
    everything = _everything(case_id, kind)
    record = next((r for r in everything[kind.key] if r["id"] == record_id), None)
    if record is None:
        raise NotFound(f"There is no {kind.noun} {record_id} on this case that you can see.")
    if case["final"] or not _may_change(kind, record):
        raise PermissionDenied(f"A {who.role} may not change this {kind.noun}.")
    mode = "change" if who.role in kind.edit_roles else "agency"
    choices = _choices(kind, everything)
    formdata = request.form if request.method == "POST" else None
    form = record_form(kind, mode, case["version"], record, formdata, choices)
    problems: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate():
            body = form_body(form, record)
            if not body:
                flash(f"Nothing changed in {title_of(kind, record)}.", "info")
                return _back(case_id, slug, record_id)
            try:
                command = records.ChangeRecord.of(
                    case_id, kind.key, record_id, body, form.version()
                )
                saved = records.change_record(svc, who, command).model_dump()
            except VersionConflict:
                problems = [_conflict()]
                status = 409
                form.expected_version.data = str(svc.get_case(who, case_id)["version"])
            except InvalidInput as exc:
                problems = attach(form, exc)
            else:
                flash(f"Saved: {title_of(kind, saved)}.", "success")
                return _back(case_id, slug, record_id)
    return (
        render_template(
            "pages/record_change.html",
            case=case,
            kind=kind,
            slug=slug,
            title=title_of(kind, record),
            form=form,
            fields=rendered(form),
            problems=helpers.error_list(form, problems),
            nav="cases",
        ),
        status,
    )


def _back(case_id: int, slug: str, record_id: int) -> Response:
    return redirect(
        url_for("pages.records.records_page", case_id=case_id, slug=slug) + f"#record-{record_id}"
    )


def remove(case_id: int, slug: str, record_id: int) -> Any:
    kind = _kind(slug)
    svc, who = helpers.service(), helpers.actor()
    form = VersionedForm(formdata=request.form)
    try:
        command = records.RemoveRecord.of(case_id, kind.key, record_id, form.version())
        records.remove_record(svc, who, command)
    except VersionConflict:
        flash(_conflict()["text"], "info")
    except InvalidInput as exc:
        flash(" ".join([exc.message, *exc.details]), "info")
    else:
        flash(f"Removed {kind.noun} {record_id}.", "success")
    return redirect(url_for("pages.records.records_page", case_id=case_id, slug=slug))


def upload(case_id: int, record_id: int) -> Any:
    svc, who = helpers.service(), helpers.actor()
    form = VersionedForm(formdata=request.form)
    sent = request.files.get("file")
    slug = SLUGS["contributions"]
    if sent is None or not sent.filename:
        flash("Choose the file to upload.", "info")
        return _back(case_id, slug, record_id)
    limit = int(getattr(helpers.settings(), "max_document_bytes", 0)) or (
        documents.DEFAULT_MAX_DOCUMENT_BYTES
    )
    try:
        command = documents.UploadDocument(
            case_id=case_id,
            contribution_id=record_id,
            filename=sent.filename,
            declared_type=sent.mimetype or "",
            content=sent.read(),
            expected_version=records.require_version(form.version()),
            max_bytes=limit,
        )
        documents.upload(svc, who, command)
    except VersionConflict:
        flash(_conflict()["text"], "info")
    except InvalidInput as exc:
        flash(" ".join([exc.message, *exc.details]), "info")
    else:
        flash(f"Uploaded {documents.safe_filename(sent.filename)}.", "success")
    return _back(case_id, slug, record_id)


def download(case_id: int, document_id: int) -> Response:
    document = documents.download(helpers.service(), helpers.actor(), case_id, document_id)
    return Response(
        document.content,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(document.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


# -- the case page's part ---------------------------------------------------------------------


def links(case: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The kinds of record the signed-in person may see on the case, with how many and where."""
    counts = records.counts(helpers.service(), helpers.actor(), int(case["id"]))
    return [
        {
            "kind": kind,
            "title": TITLES[kind],
            "count": n,
            "href": url_for("pages.records.records_page", case_id=case["id"], slug=SLUGS[kind]),
        }
        for kind, n in counts.items()
    ]


__all__ = ["blueprint", "links", "record_form", "register_pages", "title_of"]
