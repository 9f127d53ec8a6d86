"""The error pages: every error a page route meets (403, 404, 405, 409, 413, 500…) answers a
GOV.UK page saying what happened and what to do, with a way back (the case the address belongs
to, the dashboard, or sign-in). The JSON API answers its own errors."""

from __future__ import annotations

import re

from flask import render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from web.pages.helpers import settings
from workflow.core.errors import PermissionDenied, VersionConflict, WorkflowError

#: The title of the error page for each status code a page can answer with.
ERROR_TITLES = {
    400: "The request could not be read",
    403: "You cannot do that",
    404: "Page not found",
    405: "That cannot be done from this address",
    409: "Someone else changed this first",
    413: "The file or form is too large",
    500: "Sorry, there is a problem with the service",
}
CASE_PATH = re.compile(r"^/cases/(\d+)(?:/|$)")


def error_message(code: int, description: str | None = None) -> str:
    """What an error means to a person using the pages, and what to do next."""
    if code == 405:
        return (
            "This address only takes a form that is sent from its page; it cannot be loaded "
            "again on its own. Go back to the page and use its button."
        )
    if code == 404:
        return "There is no page at this address, or you may not see it. Check the address."
    if code == 413:
        limit = request.max_content_length or settings().max_document_bytes
        return (
            f"What was sent is larger than the {size_words(limit)} allowed, so nothing was "
            "saved. Go back and send a smaller file."
        )
    if code == 409:
        return (
            "The case changed since you loaded the page, so nothing was saved. Go back and reload."
        )
    if code >= 500:
        return (
            "Nothing was changed. Try again later; tell your administrator if it keeps happening."
        )
    return description or "The request was refused."


def size_words(n: int) -> str:
    """``10 MiB``, ``64 KiB`` or ``500 bytes``."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def way_back() -> tuple[str, str]:
    """The link an error page offers: the case the address belongs to, else the dashboard."""
    if not current_user.is_authenticated:
        return url_for("pages.auth.sign_in"), "Go to sign in"
    found = CASE_PATH.match(request.path)
    if found and not request.path.endswith(f"/cases/{found.group(1)}"):
        return url_for("pages.cases.show", case_id=int(found.group(1))), "Go back to the case"
    return url_for("pages.dashboard.index"), "Go to your dashboard"


def error_page(code: int, message: str) -> tuple[str, int]:
    href, text = way_back()
    title = ERROR_TITLES.get(code, ERROR_TITLES[500] if code >= 500 else "That cannot be done")
    page = render_template(
        "pages/error.html", title=title, message=message, back_href=href, back_text=text
    )
    return page, code


def workflow_error(error: WorkflowError) -> tuple[str, int]:
    """A typed error on a page: not found (also what a case one may not see is), forbidden or
    a conflict."""
    if isinstance(error, PermissionDenied):
        return error_page(403, error.message)
    if isinstance(error, VersionConflict):
        return error_page(409, error_message(409))
    return error_page(404, error.message)


def http_error(error: HTTPException) -> tuple[str, int]:
    """An HTTP error on a page, as a page (the API answers its own errors in JSON)."""
    code = error.code or 500
    description = error.description if code in (400, 403) else None
    return error_page(code, error_message(code, description))
