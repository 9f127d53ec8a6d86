"""The calendar feed's pages: ``/calendar`` shows whether the person has a feed address and
lets them make a new one (the old one stops working) or stop it; ``/calendar/<secret>.ics`` is
the feed itself, read by calendar programs without signing in (the secret is the key)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from web.pages import helpers
from workflow.services import calendar_feed

FEED_CHILD = "calendar_feed"


def blueprint() -> Blueprint:
    bp = Blueprint("calendar", __name__)
    bp.add_url_rule("/calendar", view_func=settings_page, methods=["GET", "POST"])
    return bp


def feed_blueprint() -> Blueprint:
    """Signed out: a calendar program fetches the feed with the secret address alone."""
    bp = Blueprint(FEED_CHILD, __name__)
    bp.add_url_rule("/calendar/<token>.ics", view_func=feed)
    return bp


def settings_page() -> Any:
    svc, who = helpers.service(), helpers.actor()
    address = None
    if request.method == "POST":
        if request.form.get("action") == "stop":
            calendar_feed.revoke(svc, who)
            flash("Your calendar feed is stopped: its address no longer works.", "success")
            return redirect(url_for(".settings_page"))
        made = calendar_feed.reset(svc, who)
        address = url_for("pages.calendar_feed.feed", token=made.token, _external=True)
    state = calendar_feed.state(svc, who)
    return render_template("pages/calendar.html", state=state, address=address, nav="calendar")


def feed(token: str) -> Response:
    svc = helpers.service()
    who = calendar_feed.holder(svc, token)
    if who is None:
        abort(404)
    base = request.url_root
    body = calendar_feed.feed(svc, who, None, base)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response
