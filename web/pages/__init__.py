"""The pages people use, hung under one parent blueprint, ``pages``, that wires once what every
page needs: the form token (CSRF) on each POST, sign-in, the security headers and the error
pages.

A page module offers ``blueprint() -> Blueprint`` with its views, and is added to ``CHILDREN``
below; its endpoints are then named ``pages.<child>.<view>`` (``url_for("pages.cases.show")``).
Its own ``before_request`` hooks run after the parent's (a role check, say), so they may rely
on a signed-in person. What it needs from the app (a link in the service navigation, where its
records are kept) it records on its blueprint with ``bp.record_once``, which Flask runs when the
parent is registered. A view that must accept a bigger body than other forms (an upload) is
marked with ``helpers.larger_body``: the parent applies the limit before the form token is read.
Views of the children in ``SIGNED_OUT`` may be used before signing in.

GOV.UK Design System markup comes from the ``govuk-frontend-jinja`` macros and the
``govuk-frontend-wtf`` widgets; its CSS, JavaScript, fonts and images are served from
``web/static`` (see ``scripts/vendor-assets.sh``), never from a CDN. Every page goes through the
service, so the pages and the JSON API share one access rule. Every form posts its CSRF token and
works without JavaScript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException

from web.api import hardening
from web.pages import (
    admin,
    agencies,
    auth,
    calendar,
    cases,
    dashboard,
    error_pages,
    final_report,
    helpers,
    records,
    reports,
    users,
)
from workflow.core.errors import NotFound, PermissionDenied, VersionConflict
from workflow.core.roles import a_role, role_words

WEB = Path(__file__).resolve().parent.parent
GOVUK_ASSETS = WEB / "static" / "govuk-frontend" / "assets"
PARENT = "pages"
API_PREFIX = "/api/"

#: The page modules, in the order their blueprints are hung under the parent.
CHILDREN = (
    auth,
    dashboard,
    cases,
    records,
    final_report,
    admin,
    users,
    agencies,
    reports,
    calendar,
)
#: Children whose views anyone may use, signed in or not.
SIGNED_OUT = frozenset({f"{PARENT}.auth", f"{PARENT}.{calendar.FEED_CHILD}"})


def register(app: APIFlask) -> None:
    """Everything the pages need on the app, then the parent blueprint with its children."""
    _templates(app)
    # CSRF is checked by the parent on every POST to the pages, not on the JSON API, whose
    # callers send bearer tokens, not cookies.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    # A token lasts as long as the session, so a long form is not lost to a timer.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    CSRFProtect(app)
    auth.init_app(app)

    # The compiled GOV.UK CSS asks for its fonts and images at /assets/.
    assets = Blueprint(
        "govuk_assets", __name__, static_folder=str(GOVUK_ASSETS), static_url_path="/assets"
    )
    app.register_blueprint(assets)
    app.register_blueprint(blueprint())
    # An address no view matches (or a method it does not take) is answered before any
    # blueprint is known: a page for addresses outside the API, JSON inside it.
    for code in (404, 405):
        app.register_error_handler(code, _routing_error)


def blueprint() -> Blueprint:
    """The parent: its hooks and error pages apply to every child's views."""
    pages = Blueprint(PARENT, __name__)
    # Hooks run in this order, the parent's before each child's.
    pages.before_request(_apply_body_limit)
    pages.before_request(_check_form_fields)
    pages.before_request(_check_form_token)
    pages.before_request(_require_sign_in)
    pages.after_request(helpers.secure_headers)
    pages.register_error_handler(CSRFError, _form_token_refused)
    pages.register_error_handler(HTTPException, error_pages.http_error)
    pages.register_error_handler(NotFound, error_pages.workflow_error)
    pages.register_error_handler(PermissionDenied, error_pages.workflow_error)
    pages.register_error_handler(VersionConflict, error_pages.workflow_error)
    pages.app_context_processor(_page_globals)
    pages.add_app_template_filter(helpers.format_date, "govuk_date")
    pages.add_app_template_filter(helpers.format_instant, "govuk_instant")
    pages.add_app_template_filter(a_role, "a_role")
    pages.add_app_template_filter(role_words, "role_words")
    for module in CHILDREN:
        pages.register_blueprint(_without_openapi(module.blueprint()))
    pages.register_blueprint(_without_openapi(calendar.feed_blueprint()))
    return _without_openapi(pages)


def _without_openapi(bp: Blueprint) -> Blueprint:
    # APIFlask reads this attribute of every blueprint with hooks; pages are not in the API spec.
    bp.enable_openapi = False  # type: ignore[attr-defined]
    return bp


def _templates(app: APIFlask) -> None:
    loaders: list[BaseLoader] = [
        FileSystemLoader(str(WEB / "templates")),
        PrefixLoader(
            {
                "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
            }
        ),
    ]
    if app.jinja_loader is not None:
        loaders.append(app.jinja_loader)
    app.jinja_loader = ChoiceLoader(loaders)
    # The GOV.UK macros are written for these settings (as in govuk-frontend-flask).
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


# -- the parent's hooks -------------------------------------------------------------------------


def _apply_body_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = helpers.body_limit(view)
    if limit is not None:
        request.max_content_length = limit()


def _check_form_fields() -> None:
    """A form's fields get the API's input checks (a NUL would reach PostgreSQL as a 500),
    read only after the view's body limit is set (an upload may be larger than a form)."""
    hardening.check_form(hardening.limits())


def _check_form_token() -> None:
    current_app.extensions["csrf"].protect()  # raises CSRFError on a POST without a valid token


def _require_sign_in() -> Any:
    if request.blueprint in SIGNED_OUT or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]


def _routing_error(error: HTTPException) -> Any:
    if request.path.startswith(API_PREFIX):
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        app: APIFlask = current_app  # type: ignore[assignment]
        return app.error_callback(HTTPError(error.code or 404, headers=headers))
    return error_pages.http_error(error)


def _form_token_refused(error: CSRFError) -> tuple[str, int]:
    return (
        render_template(
            "pages/error.html",
            title="The form could not be sent",
            message=(
                "The form was missing its security token, or it had expired, so nothing was "
                "saved. Go back, reload the page and try again."
            ),
        ),
        400,
    )


def _page_globals() -> dict[str, Any]:
    return {
        "service_name": helpers.SERVICE_NAME,
        "csp_nonce": helpers.csp_nonce,
        "error_list": helpers.error_list,
        "nav_items": helpers.nav_items,
    }
