"""Signing in and out of the pages: flask-login sessions, and a limit on failed sign-ins.

The limit (``web.max_failed_logins`` in config.toml, per user name, in 15 minutes) is counted in
this process's memory: it resets when the process restarts, and each web process counts on its
own, so with N processes a name can be tried up to N times the limit. That is enough to stop
guessing through one process, the way ``workflow serve`` runs; a deployment with several web
processes should count in the database instead (see the team report for the table it needs).

A session names the user and a fingerprint of their password hash: changing a password (or
running ``workflow demo`` again, which sets new ones) ends every session signed in with the old.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
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

WINDOW = timedelta(minutes=15)


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

    def __init__(self, account: accounts.Account) -> None:
        self.user_id = account.id
        self.name = account.name
        self.role = account.role
        self.agencies = list(account.agencies)
        self.fingerprint = account.stamp

    def get_id(self) -> str:
        return f"{self.user_id}.{self.fingerprint}"


class SignInLimiter:
    """Failed sign-ins per user name (folded) within a sliding window, in this process."""

    def __init__(self, limit: int, window: timedelta = WINDOW) -> None:
        self.limit = max(limit, 1)
        self.window = window
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(name: str) -> str:
        return " ".join(name.split()).casefold()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures.get(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def blocked(self, name: str, now: datetime) -> bool:
        with self._lock:
            return len(self._recent(self._key(name), now)) >= self.limit

    def failed(self, name: str, now: datetime) -> None:
        key = self._key(name)
        with self._lock:
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times
            if len(self._failures) > 10_000:  # forget stale names so memory stays bounded
                for stale in [k for k in self._failures if not self._recent(k, now)]:
                    del self._failures[stale]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(self._key(name), None)


def limiter() -> SignInLimiter:
    found: SignInLimiter = current_app.extensions["workflow.pages.limiter"]
    return found


def init_app(app: Flask, max_failed_logins: int) -> None:
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
    app.extensions["workflow.pages.limiter"] = SignInLimiter(max_failed_logins)


def load_user(session_id: str) -> PageUser | None:
    """The person a session names, while their account is active and their password is the
    one they signed in with."""
    user_id, _, stamp = session_id.partition(".")
    if not user_id.isdigit():
        return None
    account = accounts.signed_in(helpers.service().store, int(user_id), stamp)
    return PageUser(account) if account is not None else None


def sign_in() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard.index"))
    form = SignInForm()
    problem = ""
    status = 200
    if form.validate_on_submit():
        name = form.name.data.strip()
        now = helpers.service().now()
        limits = limiter()
        if limits.blocked(name, now):
            log.warning("sign-in refused for %r: too many failed attempts", name)
            problem = (
                "There have been too many failed attempts to sign in with this name. Wait 15 "
                "minutes and try again, or ask an administrator to reset your password."
            )
            status = 429
        else:
            account = accounts.sign_in(helpers.service().store, name, form.password.data)
            page_user = PageUser(account) if account is not None else None
            if page_user is None:
                limits.failed(name, now)
                log.info("failed sign-in for %r", name)
                problem = "The name or password is not right. Check them and try again."
                status = 401
            else:
                limits.succeeded(name)
                target = helpers.safe_next(request.args.get("next"))
                session.clear()  # a new session for the signed-in person: no fixation
                login_user(page_user)
                log.info("%s signed in", page_user.name)
                return redirect(target or url_for("pages.dashboard.index"))
        form.password.data = ""
    elif form.errors:
        status = 400
    return (
        render_template("pages/sign_in.html", form=form, problem=problem),
        status,
    )


def sign_out() -> Response:
    form = SignOutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        log.info("%s signed out", current_user.name)
        logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.auth.sign_in"))
