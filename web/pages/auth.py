"""Signing in and out of the pages: flask-login over sessions kept on the server.

The cookie names a session by a 256-bit secret; the session's row (``user_session``) is the
truth, so signing out, disabling the user, a new password, ``[accounts] session_idle_minutes``
without a request and ``session_max_hours`` after signing in each end it on the server: the old
cookie, replayed, opens nothing. Failed sign-ins are counted in the database, by name and by
address (``workflow.services.accounts.throttle``), so every process and every restart sees them.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Flask,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from web.pages import helpers
from web.pages.forms import SignInForm, SignOutForm
from workflow.services import accounts

log = logging.getLogger(__name__)


def blueprint() -> Blueprint:
    bp = Blueprint("auth", __name__)
    bp.add_url_rule("/sign-in", view_func=sign_in, methods=["GET", "POST"])
    bp.add_url_rule("/sign-out", view_func=sign_out, methods=["POST"])
    return bp


class PageUser:
    """The signed-in person, as flask-login keeps them for one request (what its ``UserMixin``
    gives, written out: a signed-in person is always authenticated and active)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, account: accounts.Account, session_secret: str) -> None:
        self.user_id = account.id
        self.name = account.name
        self.role = account.role
        self.agencies = list(account.agencies)
        self.session_secret = session_secret

    def get_id(self) -> str:
        return self.session_secret


def init_app(app: Flask) -> None:
    manager = LoginManager()
    manager.login_view = "pages.auth.sign_in"
    manager.session_protection = "strong"
    manager.init_app(app)

    def unauthorized() -> Response:
        if request.path != "/":
            flash("Sign in to see that page.", "info")
        target = helpers.safe_next(request.full_path.rstrip("?"))
        return redirect(url_for("pages.auth.sign_in", next=target if request.path != "/" else None))

    manager.unauthorized_handler(unauthorized)
    manager.user_loader(load_user)
    accounts.sessions.dummy_hash()  # made now, so the first unknown name is not slower


def _rules() -> tuple[accounts.SignInLimits, accounts.SessionRules]:
    settings = helpers.settings()
    return accounts.SignInLimits.of(settings), accounts.SessionRules.of(settings.accounts)


def load_user(session_secret: str) -> PageUser | None:
    """The person a session names, while that session is open on the server."""
    service = helpers.service()
    rules = _rules()[1]
    account = accounts.session_account(service.store, session_secret, service.now(), rules)
    return PageUser(account, session_secret) if account is not None else None


def sign_in() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard.index"))
    form = SignInForm()
    problem = ""
    status = 200
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        name = form.name.data.strip()
        outcome = _attempt(name, form.password.data)
        if outcome.account is not None:
            target = helpers.safe_next(request.args.get("next"))
            session.clear()  # a new session for the signed-in person: no fixation
            login_user(PageUser(outcome.account, outcome.session))
            log.info("%s signed in", outcome.account.name)
            return redirect(target or url_for("pages.dashboard.index"))
        problem, status = _refusal(name, outcome)
        if outcome.retry_at is not None:
            headers["Retry-After"] = str(_seconds_until(outcome.retry_at))
        form.password.data = ""
    elif form.errors:
        status = 400
    return (
        render_template("pages/sign_in.html", form=form, problem=problem),
        status,
        headers,
    )


def _seconds_until(instant: datetime) -> int:
    """Whole seconds from now until ``instant`` (at least 1): a ``Retry-After`` value."""
    return max(1, math.ceil((instant - helpers.service().now()).total_seconds()))


def _attempt(name: str, password: str) -> accounts.SignInOutcome:
    service = helpers.service()
    limits, rules = _rules()
    address = request.remote_addr or "unknown"
    return accounts.attempt_sign_in(
        service.store, name, password, address, service.now(), limits, rules
    )


def _refusal(name: str, outcome: accounts.SignInOutcome) -> tuple[str, int]:
    if outcome.throttled:
        log.warning(
            "sign-in refused for %r from %s: too many failed attempts", name, request.remote_addr
        )
        minutes = helpers.settings().accounts.failed_login_window_minutes
        if outcome.retry_at is not None:
            minutes = max(1, math.ceil(_seconds_until(outcome.retry_at) / 60))
        return (
            "There have been too many failed attempts to sign in from here. Wait "
            f"{minutes} minutes and try again, or ask an administrator to check your account.",
            429,
        )
    log.info("failed sign-in for %r from %s", name, request.remote_addr)
    return "The name or password is not right. Check them and try again.", 401


def sign_out() -> Response:
    form = SignOutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        log.info("%s signed out", current_user.name)
        service = helpers.service()
        accounts.end_session(service.store, current_user.session_secret, service.now())
        logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.auth.sign_in"))
