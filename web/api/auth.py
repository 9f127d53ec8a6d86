"""Who is calling the JSON API: a bearer token, looked up by its hash, becomes an Actor.

A missing or unknown token (or one whose user is no longer active) gets 401 with a
``WWW-Authenticate`` header and the one error body; what a role may do is the service's rule.
"""

from __future__ import annotations

from typing import Any, cast

from apiflask import HTTPTokenAuth
from flask import current_app

from web import errors
from workflow.core.roles import Actor
from workflow.services import accounts
from workflow.services.cases import Service

auth = HTTPTokenAuth(
    scheme="Bearer",
    description=(
        "An API token, sent as 'Authorization: Bearer TOKEN' on every call. An administrator "
        "creates one with 'workflow tokens create NAME'; the token acts as that user, with "
        "that user's role and agencies."
    ),
)


def current_service() -> Service:
    return cast(Service, current_app.extensions["workflow.service"])


def verify_token(token: str) -> Actor | None:
    return accounts.actor_for_token(current_service().store, token)


auth.verify_token(verify_token)
auth.error_processor(errors.auth_error)


def current_actor() -> Actor:
    """The Actor of the authenticated request (only inside a view that requires auth)."""
    user: Any = auth.current_user
    if not isinstance(user, Actor):
        raise RuntimeError("current_actor() called outside an authenticated API request")
    return user
