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
from web.pages.record_forms import attach, form_body, record_form, rendered
from web.pages.record_lists import (
    BY_SLUG,
    SLUGS,
    TITLES,
    choices_of,
    everything_of,
    listing_page,
    may_change,
    title_of,
)
from workflow.core.errors import InvalidInput, NotFound, PermissionDenied, VersionConflict
from workflow.core.record_kinds import KINDS, RecordKind
from workflow.core.roles import a_role
from workflow.services import documents, records


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
        methods=["GET", "POST"],
    )
    bp.add_url_rule(
        "/cases/<int:case_id>/records/contributions/<int:record_id>/documents",
        # An upload may be larger than other forms.
        view_func=helpers.larger_body(upload, helpers.upload_body_limit),
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


def _kind(slug: str) -> RecordKind:
    found = BY_SLUG.get(slug)
    if found is None:
        abort(404)
    return KINDS[found]


# -- the views --------------------------------------------------------------------------------


def records_page(case_id: int, slug: str) -> Any:
    kind = _kind(slug)
    svc, who = helpers.service(), helpers.actor()
    case = svc.get_case(who, case_id).model_dump(mode="json")
    if request.method == "GET":
        return listing_page(case, kind, None, [])
    if who.role not in kind.edit_roles or case["final"]:
        raise PermissionDenied(
            f"{a_role(who.role).capitalize()} may not "
            f"add {TITLES[kind.key].lower()}; ask someone with the role "
            f"{' or '.join(sorted(kind.edit_roles))}."
        )
    everything = everything_of(case_id, kind)
    form = record_form(
        kind, "add", case["version"], formdata=request.form, choices=choices_of(kind, everything)
    )
    problems: list[dict[str, str]] = []
    if form.validate():
        try:
            command = records.AddRecord.of(case_id, kind.key, form_body(form, None), form.version())
            saved = records.add_record(svc, who, command).model_dump()
        except VersionConflict:
            problems = [_conflict()]
            form.expected_version.data = str(svc.get_case(who, case_id).version)
        except InvalidInput as exc:
            problems = attach(form, exc)
        else:
            flash(f"Saved: {title_of(kind, saved)}.", "success")
            anchor = "#add" if request.form.get("then") == "add" else f"#record-{saved['id']}"
            page = url_for("pages.records.records_page", case_id=case_id, slug=slug)
            return redirect(page + anchor)
    return listing_page(case, kind, form, helpers.error_list(form, problems), 400)


def _conflict() -> dict[str, str]:
    return {
        "text": "Someone else changed this case after you opened this page, so your change was "
        "not saved. The page now shows the records as they are: check them, then save again.",
        "href": "#record-form",
    }


def change_page(case_id: int, slug: str, record_id: int) -> Any:
    kind = _kind(slug)
    svc, who = helpers.service(), helpers.actor()
    case = svc.get_case(who, case_id).model_dump(mode="json")
    everything = everything_of(case_id, kind)
    record = next((r for r in everything[kind.key] if r["id"] == record_id), None)
    if record is None:
        raise NotFound(f"There is no {kind.noun} {record_id} on this case that you can see.")
    if case["final"] or not may_change(kind, record):
        raise PermissionDenied(f"{a_role(who.role).capitalize()} may not change this {kind.noun}.")
    mode = "change" if who.role in kind.edit_roles else "agency"
    choices = choices_of(kind, everything)
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
                form.expected_version.data = str(svc.get_case(who, case_id).version)
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
    """GET: ask to confirm the removal (works without JavaScript); POST with ``confirmed``:
    remove it. A POST without ``confirmed`` removes nothing and asks first."""
    kind = _kind(slug)
    svc, who = helpers.service(), helpers.actor()
    record = next((r for r in everything_of(case_id, kind)[kind.key] if r["id"] == record_id), None)
    if record is None:
        raise NotFound(f"There is no {kind.noun} {record_id} on this case that you can see.")
    title = title_of(kind, record)
    if request.method == "GET" or request.form.get("confirmed") != "yes":
        return _confirm_removal(case_id, slug, title)
    form = VersionedForm(formdata=request.form)
    try:
        command = records.RemoveRecord.of(case_id, kind.key, record_id, form.version())
        records.remove_record(svc, who, command)
    except VersionConflict:
        flash(_conflict()["text"], "info")
    except InvalidInput as exc:
        flash(helpers.problem_words(exc), "info")
    else:
        flash(f"Removed {title}.", "success")
    return redirect(url_for("pages.records.records_page", case_id=case_id, slug=slug))


def _confirm_removal(case_id: int, slug: str, title: str) -> Any:
    """The page that asks before removing; a POST that skipped it is sent there."""
    if request.method == "POST":
        sent = request.form.get("expected_version", "")
        return redirect(request.path + (f"?expected_version={sent}" if sent.isdigit() else ""))
    case = helpers.service().get_case(helpers.actor(), case_id).model_dump(mode="json")
    asked = request.args.get("expected_version", "")
    version = int(asked) if asked.isdigit() else int(case["version"])
    return render_template(
        "pages/record_remove.html", case=case, slug=slug, title=title, version=version
    )


def upload(case_id: int, record_id: int) -> Any:
    svc, who = helpers.service(), helpers.actor()
    form = VersionedForm(formdata=request.form)
    sent = request.files.get("file")
    slug = SLUGS["contributions"]
    if sent is None or not sent.filename:
        flash("Choose the file to upload.", "info")
        return _back(case_id, slug, record_id)
    try:
        command = documents.UploadDocument(
            case_id=case_id,
            contribution_id=record_id,
            filename=sent.filename,
            declared_type=sent.mimetype or "",
            content=sent.read(),
            expected_version=records.require_version(form.version()),
            max_bytes=helpers.document_limit(),
        )
        documents.upload(svc, who, command)
    except VersionConflict:
        flash(_conflict()["text"], "info")
    except InvalidInput as exc:
        flash(helpers.problem_words(exc), "info")
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
