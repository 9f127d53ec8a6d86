"""API tokens: made, listed, revoked, and checked on every API call.

A token is 256 random bits, shown once and kept only as its SHA-256 digest (a fast hash is
enough for that much randomness, and lets the check find it by digest). It works while it is
not revoked, not expired, and its user is active: the check (``check_token``) is one indexed
query (the unique digest, joined to the user), so a revocation or a disable made by any process
applies to the next call on every process. ``last_used_at`` is written at most once a minute per
token, by a conditional UPDATE that racing processes cannot repeat.

For a cache of checks: ``TokenHolder`` is what to keep (by digest), ``TokenHolder.works_at(now)``
re-checks the expiry on a hit, and ``events.on_credentials_changed`` empties it when this
process revokes or disables.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from workflow.core.errors import NotFound
from workflow.core.roles import Actor
from workflow.services.accounts.events import credentials_changed
from workflow.services.accounts.users import actor_of, user_named
from workflow.services.results import Instant, Result
from workflow.store.models.accounts import ApiToken
from workflow.store.unit import Store, Unit

#: ``last_used_at`` is written when the one stored is older than this.
TOUCH_EVERY = timedelta(minutes=1)


class TokenStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class TokenView(Result):
    """A token as ``workflow tokens list`` shows it: never the token itself."""

    id: int
    created_at: Instant
    last_used_at: Instant | None
    expires_at: Instant | None
    revoked_at: Instant | None
    status: TokenStatus


@dataclass(frozen=True)
class TokenHolder:
    """Who a working token acts as, and until when it works (unless revoked first)."""

    token_id: int
    user_id: int
    actor: Actor
    expires_at: datetime | None
    last_used_at: datetime | None

    def works_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class _Lapsing(Protocol):
    """A token's state: the stored row, or the row a check reads."""

    @property
    def revoked_at(self) -> datetime | None: ...
    @property
    def expires_at(self) -> datetime | None: ...


def status_of(token: _Lapsing, now: datetime) -> TokenStatus:
    if token.revoked_at is not None:
        return TokenStatus.REVOKED
    if token.expires_at is not None and token.expires_at <= now:
        return TokenStatus.EXPIRED
    return TokenStatus.ACTIVE


# -- making ---------------------------------------------------------------------------------


def create_token(store: Store, name: str, now: datetime, expires_in_days: int | None = None) -> str:
    """A new API token for the user, working for ``expires_in_days`` (None: until revoked):
    shown once, kept only as its digest."""
    with store.write() as u:
        return issue_token(u, name, now, expires_in_days=expires_in_days)


def issue_token(
    u: Unit,
    name: str,
    now: datetime,
    *,
    replacing: bool = False,
    expires_in_days: int | None = None,
) -> str:
    """``create_token`` inside the caller's transaction; ``replacing`` revokes the user's
    others."""
    user = user_named(u, name)
    if replacing:
        u.accounts.revoke_tokens(user.id or 0, now)
        credentials_changed()
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=expires_in_days) if expires_in_days is not None else None
    u.accounts.add_token(
        ApiToken(
            user_id=user.id or 0, token_hash=token_digest(token), created_at=now, expires_at=expires
        )
    )
    return token


# -- listing and revoking -------------------------------------------------------------------


def list_tokens(store: Store, name: str, now: datetime) -> list[TokenView]:
    """The user's tokens, oldest first, with their state now."""
    with store.read() as u:
        user = user_named(u, name)
        return [
            TokenView(
                id=t.id or 0,
                created_at=t.created_at,
                last_used_at=t.last_used_at,
                expires_at=t.expires_at,
                revoked_at=t.revoked_at,
                status=status_of(t, now),
            )
            for t in u.accounts.tokens_of(user.id or 0)
        ]


def revoke_tokens(store: Store, name: str, now: datetime, token_id: int | None = None) -> int:
    """Revoke one token of the user (``token_id``) or all of them (None); how many were still
    unrevoked. A token id that is not one of the user's is refused."""
    with store.write() as u:
        user = user_named(u, name)
        if token_id is not None and token_id not in {
            t.id for t in u.accounts.tokens_of(user.id or 0)
        }:
            raise NotFound(
                f"'{name}' has no token {token_id}; see 'workflow tokens list {name}' for the ids."
            )
        count = u.accounts.revoke_tokens(user.id or 0, now, token_id)
    credentials_changed()
    return count


# -- checking -------------------------------------------------------------------------------


def check_token(store: Store, token: str, now: datetime) -> TokenHolder | None:
    """Who a bearer token acts as now: None when unknown, revoked, expired, or its user is
    disabled. Records the use (at most once a minute per token)."""
    with store.read() as u:
        found = u.accounts.token_check(token_digest(token))
    if found is None or not found.active or status_of(found, now) is not TokenStatus.ACTIVE:
        return None
    last_used = found.last_used_at
    if last_used is None or now - last_used >= TOUCH_EVERY:
        with store.write() as u:
            u.accounts.touch_token(found.token_id, now, now - TOUCH_EVERY)
        last_used = now
    return TokenHolder(found.token_id, found.user_id, actor_of(found), found.expires_at, last_used)


def actor_for_token(store: Store, token: str, now: datetime | None = None) -> Actor | None:
    """``check_token``'s actor (``now`` defaults to the real clock)."""
    holder = check_token(store, token, now or datetime.now(UTC))
    return holder.actor if holder is not None else None
