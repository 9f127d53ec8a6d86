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

import hashlib
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
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlmodel import Session, select
from werkzeug.wrappers import Response

from web.pages import helpers
from web.pages.forms import SignInForm, SignOutForm
from workflow.services import accounts
from workflow.store.models.accounts import User

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=15)


def blueprint() -> Blueprint:
    bp = Blueprint("auth", __name__)
    bp.add_url_rule("/sign-in", view_func=sign_in, methods=["GET", "POST"])
    bp.add_url_rule("/sign-out", view_func=sign_out, methods=["POST"])
    return bp


class PageUser(UserMixin):
    """The signed-in person, as flask-login keeps them for one request."""

    def __init__(self, user: User) -> None:
        self.user_id = user.id or 0
        self.name = user.name
        self.role = user.role
        self.agencies = list(user.agencies or [])
        self.fingerprint = fingerprint(user)

    def get_id(self) -> str:
        return f"{self.user_id}.{self.fingerprint}"


def fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]


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

    @manager.unauthorized_handler
    def unauthorized() -> Response:
        if request.path != "/":
            flash("Sign in to see that page.", "info")
        target = helpers.safe_next(request.full_path.rstrip("?"))
        return redirect(url_for("pages.auth.sign_in", next=target if request.path != "/" else None))

    app.extensions["workflow.pages.limiter"] = SignInLimiter(max_failed_logins)

    @manager.user_loader
    def load_user(session_id: str) -> PageUser | None:
        user_id, _, stamp = session_id.partition(".")
        if not user_id.isdigit():
            return None
        with Session(helpers.service().db) as s:
            user = s.get(User, int(user_id))
            if user is None or not user.active or fingerprint(user) != stamp:
                return None
            return PageUser(user)


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
            with Session(helpers.service().db) as s:
                user = s.exec(select(User).where(User.name == name)).first()
            # Hashing is slow on purpose: do it after the database is let go.
            ok = accounts.check_password(user, form.password.data)
            page_user = PageUser(user) if ok and user is not None else None
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
