"""Signing in to the pages and the sessions that follow, kept on the server.

A session is a row (``user_session``) found by the digest of a 256-bit secret that only the
browser's cookie carries. It ends on the server when the person signs out, when their account
is disabled, when their password changes, after ``[accounts] session_idle_minutes`` with no
request, and ``session_max_hours`` after signing in: a cookie kept from before then, replayed,
opens nothing. Activity is written at most once a minute, so the idle time is exact to a minute.

Signing in checks the password with the same work whether or not the name exists, is active or
has a password (one hash, against a dummy for the unknown), so the time taken tells nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from workflow.services.accounts.tokens import token_digest
from workflow.services.accounts.users import Account, account_of, stamp_of
from workflow.services.passwords import check_password_hash, hash_password
from workflow.settings.model import AccountSettings
from workflow.store.models.accounts import UserSession
from workflow.store.unit import Store

#: Activity is written when the last one stored is older than this.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionRules:
    idle: timedelta
    longest: timedelta

    @classmethod
    def of(cls, settings: AccountSettings) -> SessionRules:
        return cls(
            timedelta(minutes=settings.session_idle_minutes),
            timedelta(hours=settings.session_max_hours),
        )


def sign_in(store: Store, name: str, password: str) -> Account | None:
    """The account, when ``password`` is its password and it is active; else None (after the
    same work either way, so the time taken does not tell which names exist)."""
    with store.read() as u:
        user = u.accounts.named(name)
        account = account_of(user) if user is not None else None
        stored = user.password_hash if user is not None else ""
    # Hashing is slow on purpose: it is done after the database is let go.
    if account is None or not account.active or not stored:
        check_password_hash(dummy_hash(), password)
        return None
    return account if check_password_hash(stored, password) else None


@cache
def dummy_hash() -> str:
    """Checked against when the name is unknown, so the time taken is the same."""
    return hash_password(secrets.token_urlsafe(16))


def open_session(store: Store, account: Account, now: datetime, rules: SessionRules) -> str:
    """A new session for the account; the secret its cookie carries. The user's sessions that
    are over are forgotten."""
    secret = secrets.token_urlsafe(32)
    with store.write() as u:
        u.accounts.forget_sessions(account.id, now - max(rules.idle, rules.longest))
        u.accounts.add_session(
            UserSession(
                user_id=account.id,
                session_hash=token_digest(secret),
                stamp=account.stamp,
                created_at=now,
                last_seen_at=now,
            )
        )
    return secret


def session_account(
    store: Store, secret: str, now: datetime, rules: SessionRules
) -> Account | None:
    """The account of a session still open now (its use recorded), else None."""
    with store.read() as u:
        found = u.accounts.session_and_holder(token_digest(secret))
    if found is None:
        return None
    row, user = found
    over = (
        row.ended_at is not None
        or not user.active
        or row.stamp != stamp_of(user)
        or now - row.last_seen_at >= rules.idle
        or now - row.created_at >= rules.longest
    )
    if over:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        with store.write() as u:
            u.accounts.touch_session(row.id or 0, now, now - TOUCH_EVERY)
    return account_of(user)


def end_session(store: Store, secret: str, now: datetime) -> None:
    """Sign out: the session's cookie opens nothing from now on."""
    with store.write() as u:
        u.accounts.end_sessions(now, session_digest=token_digest(secret))
