"""The administrators' pages: edit a review type as a draft (problems shown with their line and
key), see its diagram and what changed against the published version, publish it, and move open
cases to another version with a dry run first. Admins only; everything is audited by
``workflow.administration``. Works without JavaScript; the diagram is drawn by the vendored
Mermaid when scripts run and stays readable as text when they do not."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import (  # type: ignore[import-untyped, unused-ignore]
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from web.pages import admin_words, helpers
from web.pages.forms import PageForm
from workflow.core.errors import DefinitionError, WorkflowError
from workflow.core.roles import Role
from workflow.services.administration import audit, drafts, migration, review_types
from workflow.services.administration.results import (
    CaseRef,
    DraftView,
    MigrationPlan,
    Preview,
    ProblemView,
)

MAX_SOURCE = 200_000


class EditorForm(PageForm):
    source = TextAreaField(
        "Definition (TOML)",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the definition"),
            Length(max=MAX_SOURCE, message=f"The definition must be under {MAX_SOURCE} characters"),
        ],
    )
    expected_version = HiddenField()
    check = SubmitField("Check", widget=GovSubmitInput())
    save = SubmitField("Save draft", widget=GovSubmitInput())
    publish = SubmitField("Publish as a new version", widget=GovSubmitInput())
    discard = SubmitField("Discard the draft", widget=GovSubmitInput())


class MigrationForm(PageForm):
    from_version = SelectField("Move open cases from version", widget=GovSelect(), coerce=int)
    to_version = SelectField("to version", widget=GovSelect(), coerce=int)
    dry_run = SubmitField("Dry run", widget=GovSubmitInput())
    apply = SubmitField("Apply to the cases listed", widget=GovSubmitInput())


def blueprint() -> Blueprint:
    bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
    bp.before_request(admins_only)  # after the parent's sign-in and form token checks
    bp.record_once(
        lambda state: helpers.register_nav_item(
            state.app, "Review types", "pages.admin_pages.index", "admin", roles={"admin"}
        )
    )
    bp.add_url_rule("/", view_func=index, methods=["GET"])
    bp.add_url_rule("/review-types/<key>", view_func=edit, methods=["GET", "POST"])
    bp.add_url_rule("/review-types/<key>/migrate", view_func=migrate, methods=["GET", "POST"])
    return bp


def admins_only() -> None:
    if current_user.role != Role.ADMIN.value:
        abort(403)


def index() -> str:
    actor, service = helpers.actor(), helpers.service()
    types = [
        summary.model_dump() | {"versions": review_types.versions(service, actor, summary.key)}
        for summary in service.review_types()
    ]
    return render_template(
        "admin/index.html", types=types, audit=audit.entries(service, actor, limit=20), nav="admin"
    )


# -- editing a draft ------------------------------------------------------------------------


def edit(key: str) -> Any:
    actor, service = helpers.actor(), helpers.service()
    form = EditorForm()
    draft = drafts.get_draft(service, actor, key)
    preview, problems = draft.preview, []
    if request.method == "GET":
        form.source.data = draft.source
        form.expected_version.data = draft.version or ""
    elif form.validate_on_submit():
        try:
            done = _submit(key, form, draft)
        except WorkflowError as exc:
            # Show what is kept now: a draft saved before its publication was refused, say.
            draft = drafts.get_draft(service, actor, key)
            preview = draft.preview
            if isinstance(exc, DefinitionError):
                preview = drafts.preview(service, actor, key, form.source.data)
            problems.append({"text": exc.message, "href": "#source"})
        else:
            if isinstance(done, tuple):
                draft, preview = done
            else:
                return done
    problems += [_located(p) for p in preview.problems]
    return render_template(
        "admin/edit.html",
        key=key,
        form=form,
        draft=draft,
        preview=preview,
        problems=helpers.error_list(form, problems),
        catalogue=review_types.catalogue(actor),
        nav="admin",
    )


def _submit(key: str, form: EditorForm, draft: DraftView) -> Response | tuple[DraftView, Preview]:
    """Do what the button pressed asks: a redirect when done, else what to show again."""
    actor, service = helpers.actor(), helpers.service()
    if form.discard.data:
        drafts.discard_draft(service, actor, key)
        flash("The draft was discarded.", "success")
        return redirect(url_for(".edit", key=key))
    if form.check.data:
        return draft, drafts.preview(service, actor, key, form.source.data)
    expected = int(form.expected_version.data) if form.expected_version.data else None
    saved = drafts.save_draft(service, actor, key, form.source.data, expected)
    form.expected_version.data = saved.version
    if not form.publish.data:
        flash("The draft was saved.", "success")
        return saved, saved.preview
    published = drafts.publish_draft(service, actor, key)
    flash(
        f"Published {key} version {published.version}. Open cases keep their version; move "
        "them below if they should change.",
        "success",
    )
    return redirect(url_for(".migrate", key=key))


def _located(p: ProblemView) -> dict[str, str]:
    where = f"Line {p.line}: " if p.line else ""
    key = f"{p.key}: " if p.key else ""
    message = p.message
    if not p.key and message.startswith("is not valid TOML"):
        message = "The text is not valid TOML" + message.removeprefix("is not valid TOML")
    return {"text": f"{where}{key}{message}", "href": "#source"}


# -- moving open cases ----------------------------------------------------------------------


def migrate(key: str) -> Any:
    actor, service = helpers.actor(), helpers.service()
    versions = review_types.versions(service, actor, key)
    form = MigrationForm()
    form.from_version.choices = form.to_version.choices = [
        (v.version, f"Version {v.version} ({v.open_cases} open)") for v in versions
    ]
    if request.method == "GET":
        form.from_version.data = versions[0].version
        form.to_version.data = versions[-1].version
    result, problems = None, []
    if request.method == "POST" and form.validate_on_submit():
        try:
            result = migration.migrate(service, actor, key, _plan(form))
        except WorkflowError as exc:
            problems = [{"text": d, "href": "#from_version"} for d in exc.details] or [
                {"text": exc.message, "href": "#from_version"}
            ]
    old = service.definition(key, form.from_version.data)
    new = service.definition(key, form.to_version.data)
    return render_template(
        "admin/migrate.html",
        key=key,
        form=form,
        result=result,
        problems=problems,
        old_states=admin_words.state_choices(
            old, [s for s in old.states if s not in old.final_states]
        ),
        new_states=admin_words.state_choices(new, new.states),
        rows=admin_words.migration_rows(result, old, new) if result else [],
        state_map=request.form,
        nav="admin",
    )


def _plan(form: MigrationForm) -> MigrationPlan:
    """The migration the form asks for: the state map chosen (``map-<old state>``), and, when
    applying, the cases of the dry run with the versions it saw (``case-<id>``)."""
    fields = request.form.items()
    state_map = {k.removeprefix("map-"): v for k, v in fields if k.startswith("map-") and v}
    cases = None
    if form.apply.data:
        cases = tuple(
            CaseRef(id=int(k.removeprefix("case-")), version=int(v))
            for k, v in request.form.items()
            if k.startswith("case-")
        )
    return MigrationPlan(
        from_version=form.from_version.data,
        to_version=form.to_version.data,
        state_map=state_map,
        cases=cases,
        dry_run=not form.apply.data,
    )
