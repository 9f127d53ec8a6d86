"""The app factory: one service, the JSON API under /api/v1 and the pages, on one APIFlask app."""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask

from web import api, pages
from web.api.root import SPEC_PATH
from workflow.runtime import build_service
from workflow.services.cases import Service
from workflow.settings import Settings, load_settings


def create_app(
    settings: Settings | None = None, service: Service | None = None, **overrides: Any
) -> APIFlask:
    settings = settings or load_settings()
    app = APIFlask(
        __name__,
        title="Safeguarding case review workflow",
        version="1",
        spec_path=SPEC_PATH,
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

    api.register(app)
    pages.register(app)
    return app
