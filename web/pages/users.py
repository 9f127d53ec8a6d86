"""The administrators' page of user accounts (``/admin/users``): who has an account, whether it
is enabled, and how many API tokens still work; disable or enable a user, see their tokens and
revoke one or all. Admins only; every button is a POST with its form token. Disabling ends the
user's sessions and stops their tokens at once (``workflow.services.accounts``), the same as
``workflow users disable``. An administrator cannot disable themselves here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import InputRequired

from web.pages import helpers
from web.pages.admin import admins_only
from web.pages.forms import PageForm
from workflow.core.errors import WorkflowError
from workflow.services import accounts

ACTIONS = ("disable", "enable", "revoke_all", "revoke")


class UserActionForm(PageForm):
    name = HiddenField(validators=[InputRequired()])
    action = HiddenField(validators=[InputRequired()])
    token_id = HiddenField()


def blueprint() -> Blueprint:
    bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")
    bp.before_request(admins_only)
    bp.record_once(
        lambda state: helpers.register_nav_item(
            state.app, "Users", "pages.admin_users.index", "users", roles={"admin"}
        )
    )
    bp.add_url_rule("", view_func=index, methods=["GET", "POST"])
    bp.add_url_rule("/<int:user_id>/tokens", view_func=tokens, methods=["GET"])
    return bp


def index() -> Any:
    form = UserActionForm()
    if form.is_submitted():
        if not form.validate() or form.action.data not in ACTIONS:
            abort(400)
        return _act(form)
    service = helpers.service()
    return render_template(
        "admin/users.html",
        users=accounts.list_users(service.store, service.now()),
        form=form,
        me=current_user.name,
        nav="users",
    )


def _act(form: UserActionForm) -> Response:
    service = helpers.service()
    name, action, now = form.name.data, form.action.data, service.now()
    back = redirect(url_for(".index"))
    if action == "disable" and name == current_user.name:
        flash("You cannot disable your own account: ask another administrator.", "error")
        return back
    try:
        if action in ("disable", "enable"):
            accounts.set_active(service.store, name, action == "enable", now)
            said = "Disabled" if action == "disable" else "Enabled"
            flash(f"{said} {name}.", "success")
        else:
            token_id = _token_id(form.token_id.data) if action == "revoke" else None
            count = accounts.revoke_tokens(service.store, name, now, token_id)
            flash(f"Revoked {count} token{'s' if count != 1 else ''} of {name}.", "success")
    except WorkflowError as exc:
        flash(exc.message, "error")
    return back


def _token_id(text: str | None) -> int:
    if not text or not text.isdigit() or len(text) > 18:
        abort(400)
    return int(text)


def tokens(user_id: int) -> str:
    service = helpers.service()
    found = [u for u in accounts.list_users(service.store, service.now()) if u.id == user_id]
    if not found:
        abort(404)
    user = found[0]
    return render_template(
        "admin/user_tokens.html",
        user=user,
        tokens=accounts.list_tokens(service.store, user.name, service.now()),
        form=UserActionForm(),
        nav="users",
    )
