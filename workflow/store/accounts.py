"""The accounts' rows: users, their API tokens and page sessions (kept as digests, never the
secret). Checking a token or a session is one query by its unique digest, joined to its user."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, or_, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from workflow.store.models.accounts import ApiToken, CalendarFeed, User, UserSession


class TokenCheck(NamedTuple):
    """What checking a bearer token reads: the token's state and its holder, as one row."""

    token_id: int
    revoked_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None
    user_id: int
    name: str
    role: str
    agencies: list[str]
    active: bool


_TOKENS, _USERS = ApiToken.__table__, User.__table__  # type: ignore[attr-defined]
#: Built once: the columns a check needs, by the unique digest (no objects to build, no
#: statement to compile on each call; a check runs on every API request).
_TOKEN_CHECK = (
    select_columns(
        _TOKENS.c.id,
        _TOKENS.c.revoked_at,
        _TOKENS.c.expires_at,
        _TOKENS.c.last_used_at,
        _USERS.c.id,
        _USERS.c.name,
        _USERS.c.role,
        _USERS.c.agencies,
        _USERS.c.active,
    )
    .join(_USERS, _TOKENS.c.user_id == _USERS.c.id)
    .where(_TOKENS.c.token_hash == bindparam("digest"))
)


class AccountsRepository:
    """Users (``user_account``), API tokens (``api_token``), sessions (``user_session``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def named(self, name: str) -> User | None:
        return self._session.exec(select(User).where(col(User.name) == name)).first()

    def all_named(self, names: Iterable[str]) -> list[User]:
        query = select(User).where(col(User.name).in_(list(names))).order_by(col(User.id))
        return list(self._session.exec(query))

    def everyone(self) -> list[User]:
        """Every user, by name."""
        return list(self._session.exec(select(User).order_by(col(User.name))))

    def by_id(self, user_id: int) -> User | None:
        return self._session.get(User, user_id)

    def add(self, user: User) -> User:
        """Store a new user, or the changes to one (its ``id`` is set here)."""
        self._session.add(user)
        self._session.flush()
        return user

    # -- tokens ---------------------------------------------------------------------------

    def add_token(self, token: ApiToken) -> ApiToken:
        self._session.add(token)
        self._session.flush()
        return token

    def token_check(self, token_digest: str) -> TokenCheck | None:
        """The token with that digest and its holder, read as one row (see ``TokenCheck``)."""
        row = self._session.execute(_TOKEN_CHECK, {"digest": token_digest}).first()
        return TokenCheck(*row) if row is not None else None

    def tokens_of(self, user_id: int) -> list[ApiToken]:
        query = select(ApiToken).where(col(ApiToken.user_id) == user_id).order_by(col(ApiToken.id))
        return list(self._session.exec(query))

    def revoke_tokens(self, user_id: int, now: datetime, token_id: int | None = None) -> int:
        """Revoke the user's tokens not yet revoked (only ``token_id`` when given); how many."""
        query = update(ApiToken).where(
            col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None)
        )
        if token_id is not None:
            query = query.where(col(ApiToken.id) == token_id)
        return int(self._session.execute(query.values(revoked_at=now)).rowcount)  # type: ignore[attr-defined]

    def touch_token(self, token_id: int, now: datetime, before: datetime) -> None:
        """Record a use at ``now`` unless one was recorded since ``before`` (so a busy token
        costs one write a minute, and racing processes write it once)."""
        self._session.execute(
            update(ApiToken)
            .where(col(ApiToken.id) == token_id)
            .where(or_(col(ApiToken.last_used_at).is_(None), col(ApiToken.last_used_at) < before))
            .values(last_used_at=now)
        )

    # -- page sessions ----------------------------------------------------------------------

    def add_session(self, row: UserSession) -> None:
        self._session.add(row)

    def session_and_holder(self, session_digest: str) -> tuple[UserSession, User] | None:
        """The session with that digest and its user: one query on the unique digest."""
        query = (
            select(UserSession, User)
            .join(User, col(UserSession.user_id) == col(User.id))
            .where(col(UserSession.session_hash) == session_digest)
        )
        row = self._session.exec(query).first()
        return (row[0], row[1]) if row is not None else None

    def touch_session(self, session_id: int, now: datetime, before: datetime) -> None:
        """Record activity at ``now`` unless some was recorded since ``before``."""
        self._session.execute(
            update(UserSession)
            .where(col(UserSession.id) == session_id, col(UserSession.last_seen_at) < before)
            .values(last_seen_at=now)
        )

    def end_sessions(
        self, now: datetime, *, user_id: int | None = None, session_digest: str | None = None
    ) -> int:
        """End the sessions still open of a user, or the one with that digest; how many."""
        query = update(UserSession).where(col(UserSession.ended_at).is_(None))
        if user_id is not None:
            query = query.where(col(UserSession.user_id) == user_id)
        if session_digest is not None:
            query = query.where(col(UserSession.session_hash) == session_digest)
        return int(self._session.execute(query.values(ended_at=now)).rowcount)  # type: ignore[attr-defined]

    def forget_sessions(self, user_id: int, seen_before: datetime) -> None:
        """Remove the user's sessions that ended, or were last seen before ``seen_before``."""
        self._session.execute(
            delete(UserSession).where(
                col(UserSession.user_id) == user_id,
                or_(
                    col(UserSession.ended_at).is_not(None),
                    col(UserSession.last_seen_at) < seen_before,
                ),
            )
        )

    def open_sessions(self, user_id: int, seen_since: datetime) -> int:
        query = select(func.count()).where(
            col(UserSession.user_id) == user_id,
            col(UserSession.ended_at).is_(None),
            col(UserSession.last_seen_at) >= seen_since,
        )
        return int(self._session.exec(query).one())


class CalendarFeedRepository:
    """Each user's calendar feed address, by the hash of its secret."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def of_user(self, user_id: int) -> CalendarFeed | None:
        query = select(CalendarFeed).where(col(CalendarFeed.user_id) == user_id)
        return self._session.exec(query).first()

    def holder_of(self, token_digest: str) -> User | None:
        """The active user whose feed secret hashes to ``token_digest``."""
        query = (
            select(User)
            .join(CalendarFeed, col(CalendarFeed.user_id) == col(User.id))
            .where(col(CalendarFeed.token_hash) == token_digest, col(User.active) == True)  # noqa: E712
        )
        return self._session.exec(query).first()

    def replace(self, user_id: int, token_digest: str, now: datetime) -> None:
        """A new secret for the user's feed: the old address stops working."""
        self._session.execute(delete(CalendarFeed).where(col(CalendarFeed.user_id) == user_id))
        self._session.flush()
        self._session.add(CalendarFeed(user_id=user_id, token_hash=token_digest, created_at=now))
        self._session.flush()

    def revoke(self, user_id: int) -> None:
        self._session.execute(delete(CalendarFeed).where(col(CalendarFeed.user_id) == user_id))
