"""The accounts' rows: users and their API tokens (kept as digests, never the token)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from workflow.store.models.accounts import ApiToken, CalendarFeed, User


class AccountsRepository:
    """Users (``user_account``) and API tokens (``api_token``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def named(self, name: str) -> User | None:
        return self._session.exec(select(User).where(col(User.name) == name)).first()

    def all_named(self, names: Iterable[str]) -> list[User]:
        query = select(User).where(col(User.name).in_(list(names))).order_by(col(User.id))
        return list(self._session.exec(query))

    def by_id(self, user_id: int) -> User | None:
        return self._session.get(User, user_id)

    def add(self, user: User) -> User:
        """Store a new user (its ``id`` is set here)."""
        self._session.add(user)
        self._session.flush()
        return user

    def add_token(self, token: ApiToken) -> None:
        self._session.add(token)

    def holder_of(self, token_digest: str) -> User | None:
        """The user a token (by its digest) was made for, active or not."""
        query = (
            select(User)
            .join(ApiToken, col(ApiToken.user_id) == col(User.id))
            .where(col(ApiToken.token_hash) == token_digest)
        )
        return self._session.exec(query).first()

    def drop_tokens(self, user_id: int) -> None:
        """Every token of the user stops working."""
        self._session.execute(delete(ApiToken).where(col(ApiToken.user_id) == user_id))


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
