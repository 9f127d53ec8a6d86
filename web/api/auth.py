"""Who is calling the JSON API: a bearer token, looked up by its hash, becomes an Actor.

A missing, unknown, revoked or expired token (or one whose user is disabled) gets 401 with a
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
        "creates one with 'workflow tokens create NAME [--expires-in DAYS]'; the token acts "
        "as that user, with that user's role and agencies, until it expires or is revoked "
        "('workflow tokens revoke NAME TOKEN_ID')."
    ),
)


def current_service() -> Service:
    return cast(Service, current_app.extensions["workflow.service"])


def verify_token(token: str) -> Actor | None:
    """One query by the token's digest: a revoked or expired token, or a disabled user's,
    gets 401 on the next call, whichever process revoked it."""
    service = current_service()
    holder = accounts.check_token(service.store, token, service.now())
    return holder.actor if holder is not None else None


auth.verify_token(verify_token)
auth.error_processor(errors.auth_error)


def current_actor() -> Actor:
    """The Actor of the authenticated request (only inside a view that requires auth)."""
    user: Any = auth.current_user
    if not isinstance(user, Actor):
        raise RuntimeError("current_actor() called outside an authenticated API request")
    return user
