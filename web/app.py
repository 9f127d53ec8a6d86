"""The app factory."""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask

from workflow.runtime import build_service
from workflow.services.cases import Service
from workflow.settings import Settings, load_settings

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None, service: Service | None = None, **overrides: Any
) -> APIFlask:
    settings = settings or load_settings()
    app = APIFlask(
        __name__,
        title="Safeguarding case review workflow",
        version="1",
        spec_path=f"{API_PREFIX}/openapi.json",
        docs_path=None,  # the docs UI would load scripts from a CDN; boards run closed networks
    )
    app.config.update(
        SECRET_KEY=settings.secret_key.get_secret_value(),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.web.session_cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.web.session_cookie_secure,
        SPEC_FORMAT="json",
        JSON_SORT_KEYS=False,
    )
    app.config.update(overrides)
    if service is None:
        service = build_service(settings)
    app.extensions["workflow.service"] = service
    app.extensions["workflow.settings"] = settings

    from web import pages
    from web.api import (
        admin as api_admin,
    )
    from web.api import (
        cases as api,
    )
    from web.api import (
        learning as api_learning,
    )
    from web.api import (
        publication as api_publication,
    )
    from web.api import (
        records as api_records,
    )
    from web.api import (
        reports as api_reports,
    )
    from web.api import (
        time as api_time,
    )

    api.register(app)
    api_admin.register(app)
    api_records.register(app)
    api_time.register(app)
    pages.register(app)
    api_publication.register(app)
    api_learning.register(app)
    api_reports.register(app)
    return app
