"""The administrators' pages: edit a review type as a draft (problems shown with their line and
key), see its diagram and what changed against the published version, publish it, and move open
cases to another version with a dry run first. Admins only; everything is audited by
``workflow.administration``. Works without JavaScript; the diagram is drawn by the vendored
Mermaid when scripts run and stays readable as text when they do not."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (  # type: ignore[import-untyped, unused-ignore]
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from web.pages import helpers
from workflow.core.errors import DefinitionError, WorkflowError
from workflow.core.roles import Role
from workflow.services.administration import Administration

MAX_SOURCE = 200_000


def admin() -> Administration:
    return cast(Administration, current_app.extensions["workflow.admin"])


class EditorForm(FlaskForm):
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


class MigrationForm(FlaskForm):
    from_version = SelectField("Move open cases from version", widget=GovSelect(), coerce=int)
    to_version = SelectField("to version", widget=GovSelect(), coerce=int)
    dry_run = SubmitField("Dry run", widget=GovSubmitInput())
    apply = SubmitField("Apply to the cases listed", widget=GovSubmitInput())


def blueprint() -> Blueprint:
    bp = Blueprint("admin_pages", __name__, url_prefix="/admin")

    @bp.before_request
    def admins_only() -> None:  # after the parent's sign-in and form token checks
        if current_user.role != Role.ADMIN.value:
            abort(403)

    bp.record_once(
        lambda state: helpers.register_nav_item(
            state.app, "Review types", "pages.admin_pages.index", "admin", roles={"admin"}
        )
    )

    @bp.get("/")
    def index() -> str:
        actor = helpers.actor()
        types = []
        for summary in helpers.service().review_types():
            types.append(summary | {"versions": admin().versions(actor, summary["key"])})
        return render_template(
            "admin/index.html", types=types, audit=admin().audit(actor, limit=20), nav="admin"
        )

    @bp.route("/review-types/<key>", methods=["GET", "POST"])
    def edit(key: str) -> Any:
        actor = helpers.actor()
        form = EditorForm()
        draft = admin().get_draft(actor, key)
        problems: list[dict[str, str]] = []
        preview = draft["preview"]
        if request.method == "GET":
            form.source.data = draft["source"]
            form.expected_version.data = draft["version"] or ""
        elif form.validate_on_submit():
            expected = int(form.expected_version.data) if form.expected_version.data else None
            try:
                if form.discard.data:
                    admin().discard_draft(actor, key)
                    flash("The draft was discarded.", "success")
                    return redirect(url_for(".edit", key=key))
                if form.check.data:
                    preview = admin().preview(actor, key, form.source.data)
                else:
                    saved = admin().save_draft(actor, key, form.source.data, expected)
                    draft, preview = saved, saved["preview"]
                    form.expected_version.data = saved["version"]
                    if form.publish.data:
                        published = admin().publish_draft(actor, key)
                        flash(
                            f"Published {key} version {published['version']}. Open cases keep "
                            "their version; move them below if they should change.",
                            "success",
                        )
                        return redirect(url_for(".migrate", key=key))
                    flash("The draft was saved.", "success")
            except DefinitionError as exc:
                preview = admin().preview(actor, key, form.source.data)
                problems.append({"text": exc.message, "href": "#source"})
            except WorkflowError as exc:
                problems.append({"text": exc.message, "href": "#source"})
        for p in preview["problems"]:
            where = f"Line {p['line']}: " if p.get("line") else ""
            problems.append({"text": f"{where}{p['key']}: {p['message']}", "href": "#source"})
        return render_template(
            "admin/edit.html",
            key=key,
            form=form,
            draft=draft,
            preview=preview,
            problems=helpers.error_list(form, problems),
            catalogue=admin().catalogue(actor),
            nav="admin",
        )

    @bp.route("/review-types/<key>/migrate", methods=["GET", "POST"])
    def migrate(key: str) -> Any:
        actor = helpers.actor()
        versions = admin().versions(actor, key)
        numbers = [
            (v["version"], f"Version {v['version']} ({v['open_cases']} open)") for v in versions
        ]
        form = MigrationForm()
        form.from_version.choices = numbers
        form.to_version.choices = numbers
        if request.method == "GET":
            form.from_version.data = versions[0]["version"]
            form.to_version.data = versions[-1]["version"]
        result = None
        problems: list[dict[str, str]] = []
        if request.method == "POST" and form.validate_on_submit():
            state_map = {
                k.removeprefix("map-"): v
                for k, v in request.form.items()
                if k.startswith("map-") and v
            }
            cases = None
            if form.apply.data:
                cases = [
                    {"id": int(k.removeprefix("case-")), "version": int(v)}
                    for k, v in request.form.items()
                    if k.startswith("case-")
                ]
            try:
                result = admin().migrate(
                    actor,
                    key,
                    form.from_version.data,
                    form.to_version.data,
                    state_map,
                    cases,
                    dry_run=not form.apply.data,
                )
            except WorkflowError as exc:
                problems = [{"text": d, "href": "#from_version"} for d in exc.details] or [
                    {"text": exc.message, "href": "#from_version"}
                ]
        old = helpers.service().definition(key, form.from_version.data)
        new = helpers.service().definition(key, form.to_version.data)
        return render_template(
            "admin/migrate.html",
            key=key,
            form=form,
            result=result,
            problems=problems,
            old_states=[s for s in old.states if s not in old.final_states],
            new_states=list(new.states),
            state_map=request.form,
            nav="admin",
        )

    return bp
