"""The administrators' page of the board's register of agencies and organisations
(``/admin/agencies``): every entry with its other names and the body it is part of; a form to
add one, and one to change each (rename, other names, parent body, retire or restore). The forms
of a case's records choose agencies from this register. Admins only; audited by the service."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import (  # type: ignore[import-untyped, unused-ignore]
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from web.pages import helpers
from web.pages.forms import CheckboxInput, PageForm
from workflow.core.errors import WorkflowError
from workflow.core.roles import Role
from workflow.services.agencies.register import AgencyOut, SaveAgency, list_agencies, save_agency


class AgencyForm(PageForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the agency's name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    aliases = TextAreaField(
        "Other names",
        widget=GovTextArea(),
        description="One a line: names the same body goes by (for example Police, NP).",
        validators=[Length(max=4000, message="Other names must be 4,000 characters or fewer")],
    )
    parent = SelectField(
        "Part of", widget=GovSelect(), validate_choice=False, description="The parent body."
    )
    active = BooleanField("Offered and accepted (untick to retire)", widget=CheckboxInput())
    save = SubmitField("Save", widget=GovSubmitInput())


def blueprint() -> Blueprint:
    bp = Blueprint("agency_pages", __name__, url_prefix="/admin/agencies")
    bp.before_request(_admins_only)
    bp.record_once(
        lambda state: helpers.register_nav_item(
            state.app, "Agencies", "pages.agency_pages.index", "agencies", roles={"admin"}
        )
    )
    bp.add_url_rule("/", view_func=index, methods=["GET", "POST"])
    bp.add_url_rule("/<int:agency_id>", view_func=change, methods=["GET", "POST"])
    return bp


def _admins_only() -> None:
    if current_user.role != Role.ADMIN.value:
        abort(403)


def _entries() -> list[AgencyOut]:
    return list_agencies(helpers.service(), helpers.actor(), include_retired=True).items


def _form(entries: list[AgencyOut], this: AgencyOut | None = None) -> AgencyForm:
    form = AgencyForm() if request.method == "POST" else AgencyForm(formdata=None)
    choices = [("", "None")] + [
        (a.name, a.name) for a in entries if this is None or a.id != this.id
    ]
    form.parent.choices = choices
    if request.method == "GET":
        form.active.data = True if this is None else this.active
        if this is not None:
            form.name.data, form.parent.data = this.name, this.parent or ""
            form.aliases.data = "\n".join(this.aliases)
    return form


def _command(form: AgencyForm) -> SaveAgency:
    aliases = [a.strip() for a in (form.aliases.data or "").splitlines() if a.strip()]
    return SaveAgency(
        name=form.name.data,
        aliases=aliases,
        parent=form.parent.data or "",
        active=bool(form.active.data),
    )


def _save(form: AgencyForm, agency_id: int | None) -> list[dict[str, str]]:
    """Save the form's entry; the problems to show when refused."""
    try:
        saved = save_agency(helpers.service(), helpers.actor(), _command(form), agency_id)
    except (WorkflowError, ValueError) as exc:
        message = (
            exc.message if isinstance(exc, WorkflowError) else "Check the fields and try again."
        )
        return [{"text": message, "href": "#name"}]
    flash(f"{saved.name} is saved in the register.", "success")
    return []


def index() -> Any:
    entries = _entries()
    form = _form(entries)
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.validate_on_submit():
        problems = _save(form, None)
        if not problems:
            return redirect(url_for(".index"))
    return render_template(
        "admin/agencies.html",
        entries=entries,
        form=form,
        problems=helpers.error_list(form, problems),
        nav="agencies",
    )


def change(agency_id: int) -> Any:
    entries = _entries()
    this = next((a for a in entries if a.id == agency_id), None)
    if this is None:
        abort(404)
    form = _form(entries, this)
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.validate_on_submit():
        problems = _save(form, agency_id)
        if not problems:
            return redirect(url_for(".index"))
    return render_template(
        "admin/agency.html",
        this=this,
        form=form,
        problems=helpers.error_list(form, problems),
        nav="agencies",
    )
