"""The pages people use: sign-in, the dashboard, case pages and their forms.

GOV.UK Design System markup comes from the ``govuk-frontend-jinja`` macros and the
``govuk-frontend-wtf`` widgets; its CSS, JavaScript, fonts and images are served from
``web/static`` (see ``scripts/vendor-assets.sh``), never from a CDN. Every page goes through the
service, so the pages and the JSON API share one access rule. Every form posts its CSRF token and
works without JavaScript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apiflask import APIFlask
from flask import Blueprint, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from web.pages import auth, cases, dashboard, helpers, records

WEB = Path(__file__).resolve().parent.parent
GOVUK_ASSETS = WEB / "static" / "govuk-frontend" / "assets"


def register(app: APIFlask) -> None:
    settings = app.extensions["workflow.settings"]
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

    # CSRF is checked on every POST to these pages (below) and not on the JSON API, whose
    # callers send bearer tokens, not cookies.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    # A token lasts as long as the session, so a long form is not lost to a timer.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf = CSRFProtect(app)
    auth.init_app(app, settings.web.max_failed_logins)

    # The compiled GOV.UK CSS asks for its fonts and images at /assets/.
    assets = Blueprint(
        "govuk_assets", __name__, static_folder=str(GOVUK_ASSETS), static_url_path="/assets"
    )
    app.register_blueprint(assets)

    def protect() -> Any:
        csrf.protect()  # raises CSRFError on a POST without a valid token
        return None

    def require_sign_in() -> Any:
        if not current_user.is_authenticated:
            return app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return None

    for bp, signed_in in (
        (auth.blueprint(), False),
        (dashboard.blueprint(), True),
        (cases.blueprint(), True),
        (records.blueprint(), True),
    ):
        bp.enable_openapi = False  # type: ignore[attr-defined]  # pages are not in the API spec
        bp.before_request(protect)
        if signed_in:
            bp.before_request(require_sign_in)
        bp.after_request(helpers.secure_headers)
        app.register_blueprint(bp)

    records.register_pages(app)

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> tuple[str, int]:
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

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        return {
            "service_name": helpers.SERVICE_NAME,
            "csp_nonce": helpers.csp_nonce,
            "error_list": helpers.error_list,
            "nav_items": helpers.nav_items,
        }

    app.add_template_filter(helpers.format_date, "govuk_date")
    app.add_template_filter(helpers.format_instant, "govuk_instant")
